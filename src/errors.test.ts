import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ERROR_CLASSES, ERROR_CODES, SluiceError, RateLimitedError, ConfigError, MethodNotAllowedError, QueueFullError, QueueTimeoutError, CircuitOpenError, UpstreamSaturatedError } from './errors.js'
import type { ErrorClass, ErrorCode } from './errors.js'

interface Row { status: string, kind: string, meaning: string }

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
const rows = new Map<string, Row>()
for (const m of doc.matchAll(/^\| `(SLC_[A-Z_]+)` \| (\d{3}|—) \| `?([a-z]*)`? \| (.*?) \| .* \|$/gm)) {
  rows.set(m[1]!, { status: m[2]!, kind: m[3]!, meaning: m[4]!.replace(/\\\|/g, '|') })
}

const make = (C: ErrorClass): SluiceError =>
  Reflect.construct(C, C === ConfigError || C === MethodNotAllowedError ? [['x']] : ['x', 1, 1]) as SluiceError

test('docs/errors.md lists exactly the codes in src/errors.ts, with their status, kind and meaning', () => {
  assert.deepEqual([...rows.keys()].sort(), ERROR_CLASSES.map(C => C.code).sort())
  for (const C of ERROR_CLASSES) {
    const e = make(C)
    const row = rows.get(C.code)!
    assert.equal(row.status, e.status === 0 ? '—' : String(e.status), `${C.code} status`)
    assert.equal(row.kind, C.kind, `${C.code} kind`)
    assert.equal(row.meaning, C.meaning, `${C.code} meaning`)
    assert.equal(e.kind, C.kind, `${C.code}: an instance carries its class's kind`)
  }
})

test('SluiceError.code is typed as the union of the codes, which lists exactly the classes\' codes', () => {
  assert.deepEqual([...ERROR_CODES].sort(), ERROR_CLASSES.map(C => C.code).sort())
  const err: SluiceError = new RateLimitedError(1000)
  const code: ErrorCode = err.code
  assert.equal(code, 'SLC_RATE_LIMITED')
  // @ts-expect-error -- not a code: `npm run typecheck` fails if SluiceError['code'] ever widens to string
  const wrong: SluiceError['code'] = 'SLC_NO_SUCH_CODE'
  assert.equal(ERROR_CODES.includes(wrong), false)
})

test('every error class declares its own code, kind and meaning', () => {
  for (const C of ERROR_CLASSES) {
    for (const key of ['code', 'kind', 'meaning']) assert.ok(Object.hasOwn(C, key), `${C.name}.${key}`)
    assert.notEqual(C.meaning, '', C.name)
  }
})

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(f => f.isFile() && f.name.endsWith('.ts') && !f.name.endsWith('.test.ts'))
    .map(f => readFileSync(join(f.parentPath, f.name), 'utf8'))
}

test('every documented error is raised somewhere, unless its meaning says it is reserved', () => {
  const src = sources(fileURLToPath(new URL('.', import.meta.url))).join('\n')
  for (const C of ERROR_CLASSES) {
    const raised = new RegExp(`new ${C.name}\\(`).test(src.replace(/^export class .*$/gm, ''))
    if (C.meaning.startsWith('Reserved')) assert.equal(raised, false, `${C.code} is raised now: say what raises it`)
    else assert.ok(raised, `${C.code} is documented but nothing raises it`)
  }
})

test('SluiceError.is recognises errors across copies by brand, not instanceof', () => {
  const e = new RateLimitedError(1000)
  assert.equal(SluiceError.is(e), true)
  assert.equal(SluiceError.is(Object.assign(new Error('x'), { code: 'SLC_RATE_LIMITED' })), false)
  assert.equal(e.expose, true)
  assert.equal(e.code, 'SLC_RATE_LIMITED')
  assert.equal(e.retryAfterMs, 1000)
})

test('an error\'s name is its class name, also on errors that carry a supplier or upstream name', () => {
  const cases: Array<[SluiceError, string, string]> = [
    [new QueueFullError('stripe', 10), 'QueueFullError', 'stripe'],
    [new QueueTimeoutError('stripe'), 'QueueTimeoutError', 'stripe'],
    [new CircuitOpenError('users', 500), 'CircuitOpenError', 'users'],
    [new UpstreamSaturatedError('users'), 'UpstreamSaturatedError', 'users'],
  ]
  for (const [err, name, owner] of cases) {
    assert.equal(err.name, name)
    assert.ok(String(err.stack).startsWith(`${name}: `), String(err.stack).split('\n')[0])
    assert.ok(Object.values(err).includes(owner), `${name} keeps ${owner} in its own field`)
  }
})
