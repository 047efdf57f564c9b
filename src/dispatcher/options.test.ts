import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidOptionsError } from '../errors.js'
import { checkDispatcherConfig } from '../config/check-dispatcher.js'
import { loadYamlText } from '../config/load-yaml.js'
import { DispatcherConfigSchema } from '../config/schema/dispatcher.js'
import { normalizeOptions } from './options.js'
import type { DispatcherOptions } from './options.js'

test('defaults and durations are normalised', () => {
  const n = normalizeOptions({
    suppliers: {
      hotels: {
        baseUrl: 'http://127.0.0.1:9001/api/',
        rateLimit: { rps: 10 },
        timeouts: { connect: '1s', request: '5s' },
        retry: { attempts: 3, baseDelay: '100ms', maxDelay: '5s' },
        circuitBreaker: { failureRatio: 0.5, minimumRequests: 20, window: '10s', openFor: '30s' },
        cache: { ttl: '1m', maxBytes: '1mb' },
      },
      pay: { baseUrl: 'https://pay.example', rateLimit: { rate: 100, per: '1m', burst: 5 }, retry: false, circuitBreaker: false },
    },
    queue: { maxSize: 50, agingAfter: '2s' },
  })
  const h = n.suppliers.get('hotels')!
  assert.equal(h.origin, 'http://127.0.0.1:9001')
  assert.equal(h.basePath, '/api')
  assert.deepEqual(h.rule, { rate: 10, periodMs: 1000, burst: 10 })
  assert.equal(h.requestTimeoutMs, 5000)
  assert.equal(h.retry?.maxDelayMs, 5000)
  assert.equal(h.breaker?.openForMs, 30_000)
  assert.deepEqual(h.queue, { maxSize: 50, agingAfterMs: 2000 })
  assert.deepEqual(h.cache, { ttlMs: 60_000, maxEntries: 1000, maxBytes: 1024 * 1024 })
  const p = n.suppliers.get('pay')!
  assert.deepEqual(p.rule, { rate: 100, periodMs: 60_000, burst: 5 })
  assert.equal(p.retry, undefined)
  assert.equal(p.breaker, undefined)
  assert.deepEqual(n.store, { type: 'memory', maxKeys: 10_000 })
})

test('every problem is reported at once, each naming its key', () => {
  const opts = {
    suppliers: {
      a: { baseUrl: 'http://x', maxConcurent: 3, retry: { attempts: 50, baseDelay: '5 sec' }, headers: { 'x-a': 'v\r\nx-b: 1' } },
      b: { baseUrl: 'ftp://x', rateLimit: { rps: -1 }, cache: {} },
    },
    store: { type: 'redis' },
    clock: {},
  }
  assert.throws(() => normalizeOptions(opts as unknown as DispatcherOptions), (err: unknown) => {
    assert.ok(err instanceof InvalidOptionsError)
    assert.equal(err.code, 'SLC_INVALID_OPTIONS')
    assert.deepEqual(err.message.split('\n').slice(1).map(l => l.trim()).sort(), [
      'suppliers.a: unknown key "maxConcurent" (did you mean "maxConcurrent"?)',
      'clock: must have now() and setTimeout()',
      'store: missing required key "url"',
      'suppliers.a.headers.x-a: must not contain CR, LF or NUL',
      'suppliers.a.retry.attempts: must be between 1 and 20 (got 50)',
      'suppliers.a.retry.baseDelay: expected a duration like 250ms, 10s, 1m (got "5 sec")',
      'suppliers.b.baseUrl: expected an http:// or https:// URL (got "ftp://x")',
      'suppliers.b.cache: missing required key "ttl"',
      'suppliers.b.rateLimit.rps: must be > 0 (got -1)',
    ].sort())
    return true
  })
})

test('rules across keys, and the options only code can give', async (t) => {
  const base = { baseUrl: 'http://x' }
  const cases: { desc: string, opts: unknown, message: string }[] = [
    { desc: 'not an object', opts: null, message: 'dispatcher options: must be an object' },
    { desc: 'no suppliers', opts: { suppliers: {} }, message: 'suppliers: must not be empty' },
    { desc: 'rps and rate', opts: { suppliers: { a: { ...base, rateLimit: { rps: 1, rate: 2 } } } }, message: 'suppliers.a.rateLimit: give either rps, or rate and per, not both' },
    { desc: 'neither rps nor rate', opts: { suppliers: { a: { ...base, rateLimit: { burst: 2 } } } }, message: 'suppliers.a.rateLimit: give rps, or rate and per' },
    { desc: 'a zero window', opts: { suppliers: { a: { ...base, rateLimit: { rate: 2, per: 0 } } } }, message: 'suppliers.a.rateLimit.per: must be longer than 0' },
    { desc: 'unknown store type', opts: { suppliers: { a: base }, store: { type: 'etcd' } }, message: 'store.type: must be one of memory, redis (got "etcd")' },
    { desc: 'a logger without warn', opts: { suppliers: { a: base }, logger: {} }, message: 'logger: must have a warn(obj, msg) method' },
  ]
  for (const c of cases) {
    await t.test(c.desc, () => {
      assert.throws(() => normalizeOptions(c.opts as DispatcherOptions), (err: unknown) => {
        assert.ok(err instanceof InvalidOptionsError)
        assert.match(err.message, new RegExp(`(^|\\n {2})${c.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|\\n)`))
        return true
      })
    })
  }
})

test('the options are not changed by validation (defaults go into a copy), and a ready store is kept', () => {
  const take = () => ({ ok: true as const, remaining: 1, resetMs: 0 })
  const store = { take, refund () {}, pause () {}, close: async () => {} }
  const opts: DispatcherOptions = { suppliers: { a: { baseUrl: 'http://x' } }, store }
  const n = normalizeOptions(opts)
  assert.deepEqual(opts, { suppliers: { a: { baseUrl: 'http://x' } }, store })
  assert.equal(n.store, store)
})

test('the suppliers file and the library read the same defaults from the one schema', () => {
  const file = loadYamlText('suppliers:\n  a:\n    baseUrl: http://x/api\n', 'suppliers.yaml', DispatcherConfigSchema, checkDispatcherConfig)
  assert.deepEqual(normalizeOptions(file), normalizeOptions({ suppliers: { a: { baseUrl: 'http://x/api' } } }))
  const a = normalizeOptions(file).suppliers.get('a')!
  const read = [
    a.maxConcurrent, a.requestTimeoutMs, a.retry?.attempts, a.breaker?.openForMs, a.queue.maxSize, a.maxResponseBytes,
  ]
  assert.deepEqual(read,
    [10, 30_000, 3, 30_000, 1000, 10 * 1024 * 1024])
})

test('maxResponseSize is at least one byte, in the file and in the library (0 would fail every answer with a body)', () => {
  for (const size of [0, '0b', '0.4b', '0mb']) {
    assert.throws(() => normalizeOptions({ suppliers: { a: { baseUrl: 'http://x', maxResponseSize: size } } }),
      (err: unknown) => err instanceof InvalidOptionsError && /suppliers\.a\.maxResponseSize.*at least 1 byte/.test(err.message),
      String(size))
  }
  assert.throws(
    () => loadYamlText('suppliers:\n  a:\n    baseUrl: http://x\n    maxResponseSize: 0b\n', 's.yaml', DispatcherConfigSchema, checkDispatcherConfig),
    /s\.yaml:4:\d+.*maxResponseSize.*at least 1 byte/s)
  assert.equal(normalizeOptions({ suppliers: { a: { baseUrl: 'http://x', maxResponseSize: 1 } } }).suppliers.get('a')!.maxResponseBytes, 1)
})
