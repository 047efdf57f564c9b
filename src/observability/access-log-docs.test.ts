import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { formatAccessLine } from './access-log.js'

const doc = readFileSync(new URL('../../docs/access-log.md', import.meta.url), 'utf8')
/** First-column names of every table row in the doc: `| \`name\` | … |`. */
const documented = new Set([...doc.matchAll(/^\| `([A-Za-z]+)`/gm)].map(m => m[1]!))

test('every field an access line can carry has a row in docs/access-log.md', () => {
  const line = formatAccessLine({
    id: 'r',
    method: 'GET',
    path: '/',
    route: 'r',
    upstream: 'u',
    target: 't',
    status: 200,
    durationMs: 1,
    bytesIn: 1,
    bytesOut: 1,
    flags: ['UF'],
    clientIp: '::1',
    consumer: 'c',
    traceId: '0af7651916cd43dd8448eb211c80319c',
  }, 0)
  for (const field of Object.keys(JSON.parse(line) as object)) {
    assert.ok(documented.has(field), `access-log field "${field}" is missing from docs/access-log.md`)
  }
})

test('every response flag of contract.ts has a row in docs/access-log.md', () => {
  const contract = readFileSync(new URL('../gateway/contract.ts', import.meta.url), 'utf8')
  const union = /export type Flag =([^\n]+)/.exec(contract)?.[1]
  assert.ok(union, 'the Flag union is where this test looks for it (src/gateway/contract.ts)')
  const flags = [...union.matchAll(/'([A-Z]+)'/g)].map(m => m[1]!)
  assert.ok(flags.length >= 10)
  for (const f of flags) assert.ok(documented.has(f), `flag ${f} is missing from docs/access-log.md`)
})
