import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validateCommand } from './validate-command.js'

test('validateCommand', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-validate-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))

  await t.test('a valid file prints ok', async () => {
    const example = fileURLToPath(new URL('../../examples/gateway.yaml', import.meta.url))
    assert.deepEqual(await validateCommand(example), { ok: true, output: 'ok' })
  })

  await t.test('an invalid file prints every issue, one per line', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'server:\n  port: x\nupstreams: {}\nroutes:\n  - { name: a, upstream: b }\n')
    assert.deepEqual(await validateCommand(file), {
      ok: false,
      output: [
        `${file}:2:9 server.port: expected an integer >= 0 (got "x")`,
        `${file}:5:5 routes[0]: missing required key "match"`,
      ].join('\n'),
    })
  })

  await t.test('a missing file is reported, not thrown', async () => {
    const file = join(dir, 'missing.yaml')
    assert.deepEqual(await validateCommand(file), { ok: false, output: `${file}: cannot read file (ENOENT)` })
  })
})
