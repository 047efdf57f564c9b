// The library as an editor and a consumer's `tsc --strict` see it, through the TypeScript
// language service and compiler over the sources (the pack test does the same on the installed
// package): hover text exists, and a misspelt supplier name does not compile.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileErrors, consumerSource, hover } from '../helpers/typescript.js'

const INDEX = fileURLToPath(new URL('../../src/index.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sluice-types-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function consumer (name: string, supplier: string): string {
  const file = join(dir, `${name}.mts`)
  writeFileSync(file, consumerSource(INDEX, supplier))
  return file
}

test('hovering createDispatcher shows its documentation', () => {
  const h = hover(consumer('hover', 'hotels'), 'createDispatcher', 'const d = ')
  assert.match(h.signature, /createDispatcher<"hotels" \| "flights">/)
  assert.match(h.documentation, /named suppliers/)
  assert.match(h.documentation, /@example/)
})

test('hovering an option shows its description, unit and default from the schema', () => {
  const file = consumer('options', 'hotels')
  const concurrent = hover(file, 'maxConcurrent')
  assert.match(concurrent.documentation, /Calls in flight; also the connection pool size/)
  assert.match(concurrent.documentation, /@defaultValue `10`/)
  const timeout = hover(file, 'timeout', 'path: ')
  assert.match(timeout.documentation, /Whole-call deadline.*'5s'/s)
})

test('supplier names are typed from the options: a misspelt one does not compile under --strict', () => {
  assert.deepEqual(compileErrors(consumer('right', 'flights')), [])
  const errors = compileErrors(consumer('misspelt', 'hotel'))
  assert.equal(errors.length, 1, errors.join('\n'))
  assert.match(errors[0]!, /misspelt\.mts:9:\d+ Type '"hotel"' is not assignable to type '"hotels" \| "flights"'/)
})
