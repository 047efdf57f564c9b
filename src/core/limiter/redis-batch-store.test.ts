import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Redis } from 'ioredis'
import { REDIS_SKIP_REASON, startRedis } from '../../../test/helpers/redis-server.js'
import { ManualClock } from '../manual-clock.js'
import { createRedisClient, whenRedisReady } from '../redis.js'
import type { BucketRule, StoreEvent, TakeRequest } from './limiter.js'
import { createMemoryStore } from './memory-store.js'
import { createRedisBatchStore } from './redis-batch-store.js'

// Hour-long periods: a test's milliseconds of real time refill nothing, so Redis (on its TIME) and
// the memory store (on a stopped clock) must give the same answers.
const HOUR = 3_600_000
const wide: BucketRule = { rate: 10, periodMs: HOUR, burst: 4 }
const narrow: BucketRule = { rate: 1, periodMs: HOUR, burst: 2 }

const batches: TakeRequest[][] = [
  [{ key: 'a', cost: 1, rule: wide }, { key: 'b', cost: 1, rule: narrow }],
  [{ key: 'a', cost: 1, rule: wide }, { key: 'b', cost: 1, rule: narrow }],
  // b is empty now: refused, and a must not be charged for it.
  [{ key: 'a', cost: 1, rule: wide }, { key: 'b', cost: 1, rule: narrow }],
  [{ key: 'a', cost: 2, rule: wide }],
  [{ key: 'a', cost: 1, rule: wide }, { key: 'c', cost: 3, rule: narrow }],
  [{ key: 'c', cost: 1, rule: narrow }],
]

test('redis batch store', async t => {
  const server = await startRedis()
  if (server === undefined) {
    t.skip(REDIS_SKIP_REASON)
    return
  }
  const client: Redis = createRedisClient(server.url, { maxBackoffMs: 100, commandTimeoutMs: 300 })
  t.after(async () => {
    client.disconnect()
    await server.stop()
  })
  await whenRedisReady(client, 5000)

  await t.test('answers every batch as the memory store does: all charged or none', async () => {
    const memory = createMemoryStore({ clock: new ManualClock() })
    const redis = createRedisBatchStore({ client, name: 'same' })
    for (const [i, batch] of batches.entries()) {
      const expected = memory.takeAll(batch)
      const actual = await redis.takeAll(batch)
      assert.equal(actual.length, expected.length)
      actual.forEach((a, j) => {
        const e = expected[j]!
        assert.equal(a.ok, e.ok, `batch ${i} limit ${j}: ok`)
        assert.equal(a.remaining, e.remaining, `batch ${i} limit ${j}: remaining`)
        assert.equal(a.degraded, undefined)
        assert.ok(Math.abs(a.resetMs - e.resetMs) < 1000, `batch ${i} limit ${j}: resetMs ${a.resetMs} vs ${e.resetMs}`)
        if (!a.ok && !e.ok) {
          if (e.retryAfterMs === Infinity) assert.equal(a.retryAfterMs, Infinity)
          else assert.ok(Math.abs(a.retryAfterMs - e.retryAfterMs) < 1000, `batch ${i} limit ${j}: retryAfterMs`)
        }
      })
    }
    assert.equal((await redis.takeAll([{ key: 'a', cost: 1, rule: wide }]))[0]!.ok, false,
      'a paid 1 + 1 + 2 of its 4, and nothing for the batches b and c refused')
  })

  await t.test('delay mode reserves later slots as the memory store does; refundAll gives one back; peekAll charges nothing', async () => {
    const memory = createMemoryStore({ clock: new ManualClock() })
    const redis = createRedisBatchStore({ client, name: 'delay' })
    const rule: BucketRule = { rate: 1, periodMs: HOUR, burst: 1 }
    const batch = [{ key: 'd', cost: 1, rule, maxDelayMs: 2 * HOUR }]
    const taken = []
    for (let i = 0; i < 4; i++) {
      const e = memory.takeAll(batch)[0]!
      const a = (await redis.takeAll(batch))[0]!
      assert.equal(a.ok, e.ok, `take ${i}`)
      const delay = (d: typeof a): number => (d.ok ? d.delayMs ?? 0 : -1)
      assert.ok(Math.abs(delay(a) - delay(e)) < 1000, `take ${i}: delayMs ${delay(a)} vs ${delay(e)}`)
      taken.push(a)
    }
    assert.deepEqual(taken.map(d => d.ok), [true, true, true, false], 'now, in an hour, in two hours, then refused')
    const peek = async (): Promise<number> => (await redis.peekAll([{ key: 'd', cost: 1, rule }]))[0]!.resetMs
    const before = await peek()
    assert.ok(Math.abs(before - 3 * HOUR) < 1000, `three tokens in use: full in 3 h, not ${before}`)
    assert.ok(Math.abs(await peek() - before) < 1000, 'peeking charged nothing')
    await redis.refundAll(batch, [taken[2]!])
    const after = await peek()
    assert.ok(Math.abs(after - 2 * HOUR) < 1000, `the last reservation given back: full in 2 h, not ${after}`)
  })

  await t.test('every key of a store carries one hash tag and expires when its bucket is full again', async () => {
    const store = createRedisBatchStore({ client, name: 'gw', prefix: 'test' })
    assert.equal(store.keyFor('r|x|ip=1'), 'test:rl:{gw}:r|x|ip=1')
    await store.takeAll([{ key: 'k1', cost: 1, rule: wide }, { key: 'k2', cost: 2, rule: narrow }])
    const ttl1 = await client.pttl('test:rl:{gw}:k1')
    const ttl2 = await client.pttl('test:rl:{gw}:k2')
    // The TTL is the TAT minus now: one token of `wide` (6 min), two of `narrow` (2 h).
    assert.ok(ttl1 > HOUR / 10 - 1000 && ttl1 <= HOUR / 10, `ttl ${ttl1}`)
    assert.ok(ttl2 > 2 * HOUR - 1000 && ttl2 <= 2 * HOUR, `ttl ${ttl2}`)
  })

  await t.test('Redis down: allow and deny answer degraded and emit storeError; back up: decided again', async () => {
    const allow = createRedisBatchStore({ client, name: 'down-allow' })
    const deny = createRedisBatchStore({ client, name: 'down-deny', onStoreError: 'deny', denyRetryAfterMs: 250 })
    const events: StoreEvent[] = []
    allow.events.on(e => events.push(e))
    deny.events.on(e => events.push(e))
    const two = [{ key: 'a', cost: 1, rule: wide }, { key: 'b', cost: 1, rule: narrow }]

    await server.stop()
    assert.deepEqual(await allow.takeAll(two), [
      { ok: true, remaining: 0, resetMs: 0, degraded: true }, { ok: true, remaining: 0, resetMs: 0, degraded: true },
    ])
    assert.deepEqual((await deny.takeAll(two)).map(d => [d.ok, d.degraded]), [[false, true], [false, true]])
    assert.deepEqual(events.map(e => [e.store, e.op, e.fallback]), [['down-allow', 'take', 'allow'], ['down-deny', 'take', 'deny']])

    await server.restart()
    const deadline = Date.now() + 5000
    let d = await deny.takeAll(two)
    while (d[0]!.degraded === true && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 25))
      d = await deny.takeAll(two)
    }
    assert.deepEqual(d.map(x => [x.ok, x.degraded]), [[true, undefined], [true, undefined]])
  })
})
