// Issue 6 item 22: what docs/errors.md says a failing rate-limit store does, it does. Redis errors
// answer with `onStoreError` (`deny` holds calls; their `timeout` ends the wait with
// SLC_QUEUE_TIMEOUT); only a store that fails to answer at all raises SLC_STORE_UNAVAILABLE.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import type { LimiterStore } from '../../src/core/limiter/limiter.js'
import { REDIS_SKIP_REASON, startRedis } from '../helpers/redis-server.js'
import { startSupplier } from '../helpers/supplier-server.js'

const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(() => 'resolved', (err: { code?: string }) => err.code ?? String(err))

test('a store whose take rejects: SLC_STORE_UNAVAILABLE, nothing sent, the breaker stays closed', async () => {
  const server = await startSupplier({})
  const broken: LimiterStore = {
    take: () => Promise.reject(new Error('store down')),
    refund: () => {},
    pause: () => {},
    close: async () => {},
  }
  const d = createDispatcher({
    suppliers: { s: { baseUrl: server.url, rateLimit: { rps: 10 }, circuitBreaker: { consecutiveFailures: 1 } } },
    store: broken,
  })
  try {
    assert.equal(await codeOf(d.request({ supplier: 's', path: '/' })), 'SLC_STORE_UNAVAILABLE')
    assert.equal(server.count, 0)
    const m = d.metrics().s!
    assert.deepEqual([m.breaker, m.rejected, m.failures], ['closed', 1, 0])
  } finally {
    await d.close()
    await server.close()
  }
})

test('Redis down with onStoreError deny: calls are held, and their timeout ends them with SLC_QUEUE_TIMEOUT', async (t) => {
  const redis = await startRedis()
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  const server = await startSupplier({})
  const clock = new ManualClock()
  const d = createDispatcher({
    suppliers: { s: { baseUrl: server.url, rateLimit: { rps: 1000 }, retry: false } },
    store: { type: 'redis', url: redis.url, prefix: 'deny-timeout', onStoreError: 'deny' },
    clock,
  })
  const denied = new Promise<void>(resolve => d.storeEvents!.on(e => { if (e.fallback === 'deny') resolve() }))
  try {
    assert.equal((await d.request({ supplier: 's', path: '/' })).status, 200)
    await redis.stop()
    const held = codeOf(d.request({ supplier: 's', path: '/held', timeout: '300ms' }))
    await denied
    assert.equal(server.count, 1, 'nothing sent while the store cannot say yes')
    clock.advance(300)
    assert.equal(await held, 'SLC_QUEUE_TIMEOUT')
    assert.equal(server.count, 1)
  } finally {
    await d.close()
    await server.close()
    await redis.stop()
  }
})
