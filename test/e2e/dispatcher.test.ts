import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import type { SupplierOptions } from '../../src/dispatcher/options.js'
import { startSupplier } from '../helpers/supplier-server.js'
import type { SupplierServer } from '../helpers/supplier-server.js'

async function withSupplier (
  serverOpts: Parameters<typeof startSupplier>[0],
  fn: (server: SupplierServer) => Promise<void>
): Promise<void> {
  const server = await startSupplier(serverOpts)
  try { await fn(server) } finally { await server.close() }
}

const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c

test('a request comes back buffered, with query, JSON body and attempt info', () => withSupplier({}, async (server) => {
  const d = createDispatcher({ suppliers: { s: { baseUrl: `${server.url}/api`, headers: { 'x-key': 'k' } } } })
  const res = await d.request({ supplier: 's', method: 'POST', path: '/items', query: { a: 1, b: ['x', 'y'] }, body: { n: 1 } })
  assert.equal(res.status, 200)
  assert.deepEqual(res.json(), { method: 'POST', url: '/api/items?a=1&b=x&b=y', body: '{"n":1}' })
  assert.equal(res.attempts, 1)
  assert.equal(res.fromCache, false)
  assert.equal(server.received[0]!.headers['x-key'], 'k')
  assert.equal(server.received[0]!.headers['content-type'], 'application/json')
  // @ts-expect-error -- a name not in `suppliers` is a type error; untyped callers get SLC_SUPPLIER_UNKNOWN
  await assert.rejects(d.request({ supplier: 'nope', path: '/' }), code('SLC_SUPPLIER_UNKNOWN'))
  await d.close()
  await assert.rejects(d.request({ supplier: 's', path: '/' }), code('SLC_SHUTTING_DOWN'))
}))

test('200 requests to a 20 req/s supplier receive no 429', () => withSupplier({ rps: 20, burst: 20 }, async (server) => {
  // Burst below the supplier's own leaves room for network jitter between our send and its count.
  const s: SupplierOptions = { baseUrl: server.url, rateLimit: { rps: 20, burst: 10 }, maxConcurrent: 8 }
  const d = createDispatcher({ suppliers: { s } })
  const res = await Promise.all(Array.from({ length: 200 }, (_, i) => d.request({ supplier: 's', path: `/r/${i}` })))
  assert.equal(server.rejected, 0)
  assert.equal(server.count, 200)
  assert.ok(res.every(r => r.status === 200 && r.attempts === 1))
  const m = d.metrics().s!
  assert.equal(m.successes, 200)
  assert.equal(m.rateLimited, 0)
  await d.close()
}))

const retrying: SupplierOptions = { baseUrl: '', retry: { attempts: 3, baseDelay: '1ms', maxDelay: '1ms' }, circuitBreaker: false }

test('retries only idempotent calls, or calls carrying an Idempotency-Key', () => withSupplier({}, async (server) => {
  const d = createDispatcher({ suppliers: { s: { ...retrying, baseUrl: server.url } }, random: () => 0 })
  server.fail('503', 2)
  const get = await d.request({ supplier: 's', path: '/g' })
  assert.deepEqual([get.status, get.attempts], [200, 3])
  server.fail('503', 2)
  const post = await d.request({ supplier: 's', method: 'POST', path: '/p', body: 'x' })
  assert.deepEqual([post.status, post.attempts], [503, 1])
  server.fail('503', 1)
  const keyed = await d.request({ supplier: 's', method: 'POST', path: '/p', body: 'x', headers: { 'Idempotency-Key': 'abc' } })
  assert.deepEqual([keyed.status, keyed.attempts], [200, 2])
  server.fail('reset', 1)
  const reset = await d.request({ supplier: 's', path: '/r' })
  assert.deepEqual([reset.status, reset.attempts], [200, 2])
  server.fail('500', 1)
  const notListed = await d.request({ supplier: 's', path: '/n' })
  assert.deepEqual([notListed.status, notListed.attempts], [500, 1])
  assert.equal(d.metrics().s!.retries, 4)
  await d.close()
}))

test('the retry budget caps retries during an outage', () => withSupplier({}, async (server) => {
  const d = createDispatcher({
    suppliers: { s: { ...retrying, baseUrl: server.url, retry: { attempts: 5, baseDelay: '1ms', maxDelay: '1ms', budget: 0.1, minRetriesPerSecond: 0.2 } } },
    random: () => 0,
  })
  server.fail('503')
  const res = await Promise.all(Array.from({ length: 20 }, () => d.request({ supplier: 's', path: '/' })))
  const retries = res.reduce((n, r) => n + r.attempts - 1, 0)
  // Budget: max(0.2/s × 10s, 0.1 × 20 requests) = 2 retries, where attempts alone would allow 80.
  assert.equal(retries, 2)
  assert.equal(server.count, 22)
  await d.close()
}))

test('the breaker opens, probes and closes', () => withSupplier({}, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({
    suppliers: { s: { baseUrl: server.url, retry: false, circuitBreaker: { consecutiveFailures: 3, openFor: '1s' } } },
    clock,
  })
  server.fail('500', 3)
  for (let i = 0; i < 3; i++) assert.equal((await d.request({ supplier: 's', path: '/' })).status, 500)
  assert.equal(d.metrics().s!.breaker, 'open')
  await assert.rejects(d.request({ supplier: 's', path: '/' }), code('SLC_CIRCUIT_OPEN'))
  assert.equal(server.count, 3)
  clock.advance(1000)
  assert.equal(d.metrics().s!.breaker, 'half-open')
  assert.equal((await d.request({ supplier: 's', path: '/' })).status, 200)
  assert.equal(d.metrics().s!.breaker, 'closed')
  assert.equal(server.count, 4)
  await d.close()
}))

test('with no request timeout, a probe that hangs does not hold the breaker half-open for good', () => withSupplier({}, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({
    suppliers: {
      s: { baseUrl: server.url, retry: false, timeouts: { request: 0 }, circuitBreaker: { consecutiveFailures: 1, openFor: '1s' } },
    },
    clock,
  })
  server.fail('500', 1)
  assert.equal((await d.request({ supplier: 's', path: '/' })).status, 500)
  clock.advance(1000)
  server.fail('stall', 1)
  const hung = d.request({ supplier: 's', path: '/probe' })
  hung.catch(() => {})
  while (server.count < 2) await new Promise(resolve => setImmediate(resolve))
  await assert.rejects(d.request({ supplier: 's', path: '/' }), code('SLC_CIRCUIT_OPEN'))
  clock.advance(1000)
  assert.equal((await d.request({ supplier: 's', path: '/' })).status, 200, 'a new probe after openFor')
  assert.equal(d.metrics().s!.breaker, 'closed')
  await d.close({ drain: false })
  await assert.rejects(hung, code('SLC_SHUTTING_DOWN'))
}))

test('close with drain finishes queued and running work, losing nothing', () => withSupplier({}, async (server) => {
  const s: SupplierOptions = { baseUrl: server.url, rateLimit: { rps: 100, burst: 1 }, maxConcurrent: 2 }
  const d = createDispatcher({ suppliers: { s } })
  const calls = Array.from({ length: 20 }, (_, i) => d.request({ supplier: 's', path: `/${i}` }))
  await new Promise(resolve => setImmediate(resolve))
  assert.ok(d.metrics().s!.queued > 10)
  await d.close({ drain: true, timeout: '10s' })
  const res = await Promise.all(calls)
  assert.equal(res.filter(r => r.status === 200).length, 20)
  assert.equal(server.count, 20)
}))

test('close without drain rejects queued work at once', () => withSupplier({}, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, rateLimit: { rps: 1, burst: 1 } } }, clock })
  const first = await d.request({ supplier: 's', path: '/' })
  assert.equal(first.status, 200)
  const queued = Array.from({ length: 5 }, () => d.request({ supplier: 's', path: '/' }).then(() => 'ok', e => e.code))
  await d.close({ drain: false })
  assert.deepEqual(await Promise.all(queued), Array(5).fill('SLC_SHUTTING_DOWN'))
  assert.equal(server.count, 1)
  assert.equal(d.metrics().s!.rejected, 5)
}))

test('a drain that runs out of time rejects what is left with SLC_SHUTTING_DOWN', () => withSupplier({}, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, retry: false } }, clock })
  server.fail('stall')
  const stuck = d.request({ supplier: 's', path: '/' }).then(() => 'ok', e => e.code)
  // In flight at the supplier, not merely queued, when the drain starts.
  while (server.count === 0) await new Promise(resolve => setImmediate(resolve))
  const closing = d.close({ timeout: '50ms' })
  await clock.tick(49)
  assert.equal(await Promise.race([stuck, 'pending']), 'pending', 'the drain waits until its deadline')
  await clock.tick(1)
  await closing
  assert.equal(await stuck, 'SLC_SHUTTING_DOWN')
}))

test('a 429 from the supplier pauses the whole bucket until the announced reset', () => withSupplier({ rps: 1, burst: 1 }, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({
    suppliers: { s: { baseUrl: server.url, rateLimit: { rps: 100 }, retry: false, circuitBreaker: false } },
    clock,
  })
  assert.equal((await d.request({ supplier: 's', path: '/' })).status, 200)
  const limited = await d.request({ supplier: 's', path: '/' })
  assert.equal(limited.status, 429)
  const wait = Number(limited.headers['retry-after']) * 1000
  const next = d.request({ supplier: 's', path: '/' })
  await clock.tick(wait - 10)
  await new Promise(resolve => setTimeout(resolve, 30))
  assert.equal(server.count, 2)
  await clock.tick(20)
  await next
  assert.equal(server.count, 3)
  assert.equal(d.metrics().s!.rateLimited >= 1, true)
  await d.close()
}))

test('the request timeout refuses a call that cannot start in time', () => withSupplier({}, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, rateLimit: { rps: 1, burst: 1 } } }, clock })
  await d.request({ supplier: 's', path: '/' })
  const queued = d.request({ supplier: 's', path: '/' })
  await assert.rejects(d.request({ supplier: 's', path: '/', timeout: '500ms' }), code('SLC_QUEUE_TIMEOUT'))
  await clock.tick(1000)
  await queued
  assert.equal(server.count, 2)
  await d.close()
}))

test('GET cache and coalescing: one upstream call, fromCache on the others', () => withSupplier({ delayMs: 30 }, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, cache: { ttl: '1m' } } }, clock })
  const same = await Promise.all(Array.from({ length: 5 }, () => d.request({ supplier: 's', path: '/c', query: { q: 1 } })))
  assert.equal(server.count, 1)
  assert.deepEqual(same.map(r => r.fromCache).sort(), [false, true, true, true, true])
  const cached = await d.request({ supplier: 's', path: '/c', query: { q: 1 } })
  assert.deepEqual([cached.fromCache, cached.attempts, server.count], [true, 0, 1])
  await d.request({ supplier: 's', path: '/c', query: { q: 2 } })
  await d.request({ supplier: 's', method: 'POST', path: '/c', query: { q: 1 } })
  assert.equal(server.count, 3)
  clock.advance(60_000)
  assert.equal((await d.request({ supplier: 's', path: '/c', query: { q: 1 } })).fromCache, false)
  assert.equal(server.count, 4)
  assert.equal(d.metrics().s!.cacheHits, 5)
  await d.close()
}))

test('a coalesced GET keeps its own deadline and priority, not those of the call it joined', () => withSupplier({}, async (server) => {
  const clock = new ManualClock()
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, maxConcurrent: 1, retry: false, cache: { ttl: '1m' } } }, clock })
  const settle = () => new Promise(resolve => setImmediate(resolve))
  // The one slot is held by a call that stalls until its caller gives up.
  server.fail('stall', 1)
  const holder = new AbortController()
  const held = d.request({ supplier: 's', method: 'POST', path: '/hold', signal: holder.signal })
  held.catch(() => {})
  while (server.count < 1) await settle()
  const leader = d.request({ supplier: 's', path: '/x', timeout: '100ms' })
  leader.catch(() => {})
  const follower = d.request({ supplier: 's', path: '/x' })
  const other = d.request({ supplier: 's', method: 'POST', path: '/other' })
  const low = d.request({ supplier: 's', path: '/y', priority: 'lowest' })
  const high = d.request({ supplier: 's', path: '/y', priority: 'highest' })
  await settle()
  await clock.tick(100)
  await assert.rejects(leader)
  holder.abort()
  const res = await Promise.all([follower, other, low, high])
  assert.deepEqual(res.map(r => r.status), [200, 200, 200, 200], 'the follower outlived the leader that timed out')
  assert.deepEqual(server.received.map(r => r.url), ['/hold', '/y', '/x', '/other', '/y'],
    'the highest-priority GET did not wait at the lowest priority of an identical one')
  await d.close()
}))
