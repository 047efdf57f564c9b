// The same sequence of requests against the memory store and the Redis script gives the same
// decisions, for every algorithm: gcra, fixed-window, sliding-window and a month quota, in reject
// and delay mode, across window boundaries (a month's end included), with refunds and peeks.
// Both run on one ManualClock: the Redis store's `now` option stands in for Redis TIME, so each
// step's time is exact and the decisions must be equal, not merely close.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Redis } from 'ioredis'
import { REDIS_SKIP_REASON, startRedis } from '../../../test/helpers/redis-server.js'
import { ManualClock } from '../manual-clock.js'
import { createRedisClient, whenRedisReady } from '../redis.js'
import type { BucketRule, Decision, TakeRequest, WindowRule } from './limiter.js'
import { createMemoryStore } from './memory-store.js'
import { createRedisBatchStore } from './redis-batch-store.js'

const gcra: BucketRule = { rate: 10, periodMs: 1000, burst: 3 }
const fixed: WindowRule = { algorithm: 'fixed-window', limit: 3, period: { ms: 1000 } }
const sliding: WindowRule = { algorithm: 'sliding-window', limit: 4, period: { ms: 1000 } }
const month: WindowRule = { algorithm: 'fixed-window', limit: 6, period: { months: 1 } }

type Step =
  | { at: number, take: TakeRequest[] }
  | { at: number, refundLast: true }
  | { at: number, peek: TakeRequest[] }

const all = (maxDelayMs = 0): TakeRequest[] => [
  { key: 'g', cost: 1, rule: gcra, maxDelayMs },
  { key: 'f', cost: 1, rule: fixed, maxDelayMs },
  { key: 's', cost: 1, rule: sliding, maxDelayMs },
  { key: 'm', cost: 1, rule: month },
]
const one = (r: TakeRequest): TakeRequest[] => [r]

// Wall time starts 2 s before March: the month quota rolls over during the sequence.
const EPOCH = Date.UTC(2026, 1, 28, 23, 59, 58)
const steps: Step[] = [
  ...[0, 0, 0, 0, 0].map(at => ({ at, take: all() })),
  { at: 850, take: one({ key: 's', cost: 1, rule: sliding }) },
  ...[900, 950, 990].map(at => ({ at, take: one({ key: 'f', cost: 1, rule: fixed }) })),
  { at: 1000, take: all() },
  { at: 1010, take: all() },
  { at: 1010, take: all(400) },
  { at: 1010, take: all(400) },
  { at: 1010, refundLast: true },
  { at: 1010, take: all(1000) },
  { at: 1010, peek: all() },
  { at: 1200, take: all(900) },
  { at: 1500, take: all(300) },
  { at: 1990, take: all() },
  { at: 2000, take: all() },
  { at: 2001, take: all() },
  { at: 2500, take: all(200) },
  { at: 2500, peek: all() },
  { at: 3700, take: all() },
  { at: 3700, take: all(1000) },
  { at: 3700, refundLast: true },
  { at: 3700, peek: all() },
  // Each algorithm alone, well over its rate, in delay mode: slots now, later in the window, next window.
  ...Array.from({ length: 6 }, () => ({ at: 6000, take: one({ key: 'g2', cost: 1, rule: gcra, maxDelayMs: 250 }) })),
  ...Array.from({ length: 3 }, () => ({ at: 6900, take: one({ key: 'f2', cost: 1, rule: fixed }) })),
  { at: 6900, take: one({ key: 'f2', cost: 1, rule: fixed, maxDelayMs: 100 }) }, // the slot exactly maxDelay away
  ...Array.from({ length: 4 }, () => ({ at: 6900, take: one({ key: 'f2', cost: 1, rule: fixed, maxDelayMs: 150 }) })),
  ...Array.from({ length: 4 }, () => ({ at: 7300, take: one({ key: 's2', cost: 1, rule: sliding }) })),
  ...[8100, 8200, 8300].map(at => ({ at, take: one({ key: 's2', cost: 1, rule: sliding }) })),
  ...Array.from({ length: 8 }, () => ({ at: 8300, take: one({ key: 's2', cost: 1, rule: sliding, maxDelayMs: 1500 }) })),
  { at: 8300, refundLast: true },
  { at: 8400, peek: [{ key: 's2', cost: 0, rule: sliding }, { key: 'f2', cost: 0, rule: fixed }] },
  { at: 5000 + 4000, take: [{ key: 'f', cost: 4, rule: fixed }, { key: 'g', cost: 1, rule: gcra }] },
  { at: 9000, take: [{ key: 'm', cost: 7, rule: month }] },
]

test('memory and Redis stores decide the same sequence the same way, for every algorithm', async (t) => {
  const server = await startRedis()
  if (server === undefined) {
    t.skip(REDIS_SKIP_REASON)
    return
  }
  const client: Redis = createRedisClient(server.url, { maxBackoffMs: 100, commandTimeoutMs: 1000 })
  t.after(async () => {
    client.disconnect()
    await server.stop()
  })
  await whenRedisReady(client, 5000)
  const clock = new ManualClock(0, EPOCH)
  const memory = createMemoryStore({ clock })
  const redis = createRedisBatchStore({ client, name: 'parity', now: () => clock.wallNow() })
  let last: { take: TakeRequest[], memory: Decision[], redis: Decision[] } | undefined
  const seen = { ok: 0, refused: 0, delayed: 0 }
  for (const [i, step] of steps.entries()) {
    clock.advance(step.at - clock.now())
    if ('take' in step) {
      const m = memory.takeAll(step.take)
      const r = await redis.takeAll(step.take)
      assert.deepEqual(r, m, `step ${i} at ${step.at}: take`)
      // A window counter's key lives until its counts have run out (plus the replay's minute): read
      // right after a batch wrote it (a refused batch writes nothing).
      for (const req of m.every(d => d.ok) ? step.take.filter(q => 'algorithm' in q.rule) : []) {
        const ttl = await client.pttl(redis.keyFor(req.key))
        const want = memory.peekAll([req])[0]!.resetMs
        if (want > 0) assert.ok(Math.abs(ttl - 60_000 - Math.ceil(want)) <= 50, `step ${i} ${req.key}: pttl ${ttl} for ${want}`)
      }
      for (const d of m) {
        if (!d.ok) seen.refused++
        else if (d.delayMs !== undefined) seen.delayed++
        else seen.ok++
      }
      last = { take: step.take, memory: m, redis: r }
    } else if ('peek' in step) {
      assert.deepEqual(await redis.peekAll(step.peek), memory.peekAll(step.peek), `step ${i} at ${step.at}: peek`)
    } else {
      memory.refundAll(last!.take, last!.memory)
      await redis.refundAll(last!.take, last!.redis)
    }
  }
  assert.ok(seen.ok > 10 && seen.refused > 10 && seen.delayed > 3, JSON.stringify(seen))
})
