import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidOptionsError } from '../errors.js'
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

test('bad options name the key', async (t) => {
  const base = { baseUrl: 'http://x' }
  const cases: { desc: string, opts: unknown, key: RegExp }[] = [
    { desc: 'no suppliers', opts: { suppliers: {} }, key: /^suppliers:/ },
    { desc: 'missing baseUrl', opts: { suppliers: { a: {} } }, key: /suppliers\.a\.baseUrl/ },
    { desc: 'bad url', opts: { suppliers: { a: { baseUrl: 'nope' } } }, key: /suppliers\.a\.baseUrl/ },
    { desc: 'typo key', opts: { suppliers: { a: { ...base, maxConcurent: 3 } } }, key: /suppliers\.a\.maxConcurent: unknown option/ },
    { desc: 'negative rps', opts: { suppliers: { a: { ...base, rateLimit: { rps: -1 } } } }, key: /suppliers\.a\.rateLimit\.rps/ },
    { desc: 'bad duration', opts: { suppliers: { a: { ...base, timeouts: { request: '5 sec' } } } }, key: /suppliers\.a\.timeouts\.request/ },
    { desc: 'fractional attempts', opts: { suppliers: { a: { ...base, retry: { attempts: 1.5 } } } }, key: /suppliers\.a\.retry\.attempts/ },
    { desc: 'bad statuses', opts: { suppliers: { a: { ...base, retry: { statuses: [99] } } } }, key: /suppliers\.a\.retry\.statuses/ },
    { desc: 'cache without ttl', opts: { suppliers: { a: { ...base, cache: {} } } }, key: /suppliers\.a\.cache\.ttl/ },
    { desc: 'redis without url', opts: { suppliers: { a: base }, store: { type: 'redis' } }, key: /store\.url/ },
    { desc: 'unknown store type', opts: { suppliers: { a: base }, store: { type: 'etcd' } }, key: /store\.type/ },
  ]
  for (const c of cases) {
    await t.test(c.desc, () => {
      assert.throws(() => normalizeOptions(c.opts as DispatcherOptions), (err: unknown) => {
        assert.ok(err instanceof InvalidOptionsError)
        assert.equal(err.code, 'SLC_INVALID_OPTIONS')
        assert.match(err.message, c.key)
        return true
      })
    })
  }
})
