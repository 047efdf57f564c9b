import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { ERROR_CLASSES, SluiceError, RateLimitedError, ConfigError } from './errors.js'

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
const rows = new Map<string, string>()
for (const m of doc.matchAll(/^\| `(SLC_[A-Z_]+)` \| (\d{3}|—) \|/gm)) rows.set(m[1]!, m[2]!)

test('docs/errors.md lists exactly the codes in src/errors.ts, with their statuses', () => {
  const codes = new Map<string, string>()
  for (const C of ERROR_CLASSES) {
    const args: unknown[] = C === ConfigError ? [['x']] : ['x', 1, 1]
    const status = (Reflect.construct(C, args) as SluiceError).status
    codes.set(C.code, status === 0 ? '—' : String(status))
  }
  assert.deepEqual([...rows.keys()].sort(), [...codes.keys()].sort())
  for (const [code, status] of codes) assert.equal(rows.get(code), status, code)
})

test('SluiceError.is recognises errors across copies by brand, not instanceof', () => {
  const e = new RateLimitedError(1000)
  assert.equal(SluiceError.is(e), true)
  assert.equal(SluiceError.is(Object.assign(new Error('x'), { code: 'SLC_RATE_LIMITED' })), false)
  assert.equal(e.expose, true)
  assert.equal(e.code, 'SLC_RATE_LIMITED')
})
