import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../core/manual-clock.js'
import { cacheKey, createResponseCache } from './cache.js'
import type { AttemptResult } from './response.js'

const ok = (body: string, headers: Record<string, string> = {}): AttemptResult =>
  ({ status: 200, headers, body: Buffer.from(body) })

test('entries expire after the TTL (or a shorter max-age)', () => {
  const clock = new ManualClock()
  const c = createResponseCache({ ttlMs: 1000, maxEntries: 10, maxBytes: 1000 }, { clock })
  c.set('a', ok('x'))
  c.set('b', ok('y', { 'cache-control': 'max-age=0' }))
  c.set('c', ok('z', { 'cache-control': 'no-store' }))
  assert.equal(c.get('a')?.body.toString(), 'x')
  assert.equal(c.get('b'), undefined)
  assert.equal(c.get('c'), undefined)
  clock.advance(1000)
  assert.equal(c.get('a'), undefined)
  assert.equal(c.size, 0)
})

test('non-2xx answers are not cached', () => {
  const c = createResponseCache({ ttlMs: 1000, maxEntries: 10, maxBytes: 1000 }, { clock: new ManualClock() })
  c.set('a', { status: 503, headers: {}, body: Buffer.alloc(0) })
  assert.equal(c.get('a'), undefined)
})

test('bounded by entries and bytes, least recently used goes first', () => {
  const c = createResponseCache({ ttlMs: 10_000, maxEntries: 3, maxBytes: 100 }, { clock: new ManualClock() })
  c.set('a', ok('1'))
  c.set('b', ok('2'))
  c.set('c', ok('3'))
  c.get('a')
  c.set('d', ok('4'))
  assert.equal(c.size, 3)
  assert.equal(c.get('b'), undefined)
  assert.ok(c.get('a'))
  c.set('big', ok('x'.repeat(90)))
  assert.ok(c.bytes <= 100)
  assert.ok(c.get('big'))
  c.set('huge', ok('x'.repeat(200)))
  assert.equal(c.get('huge'), undefined)
})

test('identical in-flight calls share one upstream call', async () => {
  const c = createResponseCache({ ttlMs: 1000, maxEntries: 10, maxBytes: 1000 }, { clock: new ManualClock() })
  let calls = 0
  let release!: (r: AttemptResult) => void
  const fn = (): Promise<AttemptResult> => { calls++; return new Promise(resolve => { release = resolve }) }
  const a = c.coalesce('k', new AbortController().signal, fn)
  const b = c.coalesce('k', new AbortController().signal, fn)
  release(ok('v'))
  const [ra, rb] = await Promise.all([a, b])
  assert.equal(calls, 1)
  assert.deepEqual([ra.shared, rb.shared], [false, true])
  assert.equal(rb.value.body.toString(), 'v')
})

test('the shared call is aborted only when every waiter has left', async () => {
  const c = createResponseCache({ ttlMs: 1000, maxEntries: 10, maxBytes: 1000 }, { clock: new ManualClock() })
  let upstream!: AbortSignal
  const fn = (s: AbortSignal): Promise<AttemptResult> => {
    upstream = s
    return new Promise((_resolve, reject) => s.addEventListener('abort', () => reject(s.reason)))
  }
  const ca = new AbortController()
  const cb = new AbortController()
  const a = c.coalesce('k', ca.signal, fn)
  const b = c.coalesce('k', cb.signal, fn)
  ca.abort(new Error('a left'))
  await assert.rejects(a, /a left/)
  assert.equal(upstream.aborted, false)
  cb.abort(new Error('b left'))
  await assert.rejects(b, /b left/)
  assert.equal(upstream.aborted, true)
})

test('cache keys differ by headers, not by header order', () => {
  assert.equal(cacheKey('s', '/p', { a: '1', b: '2' }), cacheKey('s', '/p', { B: '2', a: '1' }))
  assert.notEqual(cacheKey('s', '/p', { authorization: 'x' }), cacheKey('s', '/p', { authorization: 'y' }))
})
