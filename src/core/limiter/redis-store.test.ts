import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { REDIS_SKIP_REASON, startRedis } from '../../../test/helpers/redis-server.js'
import { Emitter } from '../events.js'
import { ManualClock } from '../manual-clock.js'
import { createRedisClient, whenRedisReady } from '../redis.js'
import type { RedisClientEvent } from '../redis.js'
import type { BucketRule, Decision, LimiterStore, StoreEvent } from './limiter.js'
import { createMemoryStore } from './memory-store.js'
import { TAKE_SCRIPT } from './redis-scripts.js'
import { createRedisStore } from './redis-store.js'

// One token an hour: a test's few milliseconds of real time never refill anything, so the Redis
// store's answers (on Redis TIME) can be compared with the memory store's (on a stopped clock).
const HOUR = 3_600_000
const rule: BucketRule = { rate: 1, periodMs: HOUR, burst: 5 }

type Op = { take: number } | { refund: number } | { pause: number }
const sequence: Op[] = [
  { take: 1 }, { take: 1 }, { take: 2 }, { take: 1 }, { take: 1 }, { take: 6 },
  { refund: 2 }, { take: 3 }, { take: 2 }, { refund: 50 }, { take: 0 }, { pause: 60_000 }, { take: 1 },
]

async function run (store: LimiterStore, key: string): Promise<Array<Decision | undefined>> {
  const out: Array<Decision | undefined> = []
  for (const op of sequence) {
    if ('take' in op) out.push(await store.take(key, op.take, rule))
    else if ('refund' in op) await store.refund(key, op.refund, rule)
    else await store.pause(key, op.pause, rule)
  }
  return out
}

async function waitUntil (what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${ms}ms`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

test('redis store', async t => {
  const server = await startRedis()
  if (server === undefined) {
    t.skip(REDIS_SKIP_REASON)
    return
  }
  const clientEvents = new Emitter<RedisClientEvent>()
  const client: Redis = createRedisClient(server.url, {
    events: clientEvents, maxBackoffMs: 100, commandTimeoutMs: 300,
  })
  t.after(async () => {
    client.disconnect()
    await server.stop()
  })
  await whenRedisReady(client, 5000)

  await t.test('answers the same decisions as the memory store', async () => {
    const expected = await run(createMemoryStore({ clock: new ManualClock() }), 'k')
    const actual = await run(createRedisStore({ client, name: 'same' }), 'k')
    assert.equal(actual.length, expected.length)
    actual.forEach((a, i) => {
      const e = expected[i]!
      assert.equal(a?.ok, e.ok, `take ${i}: ok`)
      assert.equal(a?.remaining, e.remaining, `take ${i}: remaining`)
      assert.equal(a?.degraded, undefined)
      for (const field of ['retryAfterMs', 'resetMs'] as const) {
        const av: number | undefined = (a as unknown as Record<string, number>)[field]
        const ev: number | undefined = (e as unknown as Record<string, number>)[field]
        if (ev === Infinity || ev === undefined) assert.equal(av, ev, `take ${i}: ${field}`)
        else assert.ok(Math.abs(av! - ev) < 1000, `take ${i}: ${field} ${av} vs ${ev}`)
      }
    })
    assert.ok(expected.some(d => d?.ok === false && d.retryAfterMs === Infinity), 'the sequence covers cost > burst')
  })

  await t.test('keys carry the hash tag and a TTL of the time until full again', async () => {
    const store = createRedisStore({ client, name: 'api', prefix: 'test' })
    assert.equal(store.keyFor('client-1'), 'test:rl:{api:client-1}')
    await store.take('client-1', 2, rule)
    const ttl = await client.pttl('test:rl:{api:client-1}')
    assert.ok(ttl > 2 * HOUR - 1000 && ttl <= 2 * HOUR + 1000, `ttl ${ttl}`)
    await store.refund('client-1', 2, rule)
    assert.equal(await client.exists('test:rl:{api:client-1}'), 0, 'a bucket refunded to full is deleted')
    await store.pause('client-1', 30_000, rule)
    const paused = await client.pttl('test:rl:{api:client-1}')
    assert.ok(paused > 30_000 + 4 * HOUR - 1000 && paused <= 30_000 + 4 * HOUR + 1000, `ttl ${paused}`)
  })

  await t.test('two names never share a bucket', async () => {
    const a = createRedisStore({ client, name: 'a' })
    const b = createRedisStore({ client, name: 'b' })
    assert.equal((await a.take('x', 5, rule)).ok, true)
    assert.equal((await a.take('x', 1, rule)).ok, false)
    assert.equal((await b.take('x', 5, rule)).ok, true)
  })

  await t.test('EVALSHA falls back to EVAL after SCRIPT FLUSH', async () => {
    const store = createRedisStore({ client, name: 'flush' })
    const errors: StoreEvent[] = []
    store.events.on(e => errors.push(e))
    const sha = createHash('sha1').update(TAKE_SCRIPT).digest('hex')
    assert.equal((await store.take('k', 1, rule)).ok, true)
    await client.script('FLUSH')
    assert.deepEqual(await client.script('EXISTS', sha), [0])
    const after = await store.take('k', 1, rule)
    assert.equal(after.ok, true)
    assert.equal(after.remaining, 3, 'the bucket state survived: the second take of five')
    assert.equal(after.degraded, undefined)
    assert.deepEqual(await client.script('EXISTS', sha), [1], 'the fallback loaded the script again')
    assert.deepEqual(errors, [])
  })

  await t.test('Redis down: allow lets through, deny refuses, both emit storeError; back up: works again', async () => {
    const allow = createRedisStore({ client, name: 'down-allow' })
    const deny = createRedisStore({ client, name: 'down-deny', onStoreError: 'deny', denyRetryAfterMs: 250 })
    const events: StoreEvent[] = []
    allow.events.on(e => events.push(e))
    deny.events.on(e => events.push(e))
    const clientErrors: RedisClientEvent[] = []
    clientEvents.on(e => { if (e.type === 'error') clientErrors.push(e) })
    for (let i = 0; i < 5; i++) await deny.take('k', 1, rule)

    await server.stop()
    assert.deepEqual(await allow.take('k', 1, rule), { ok: true, remaining: 4, resetMs: 0, degraded: true })
    assert.deepEqual(await deny.take('k', 1, rule), { ok: false, retryAfterMs: 250, remaining: 0, resetMs: 250, degraded: true })
    await deny.refund('k', 1, rule)
    assert.deepEqual(events.map(e => [e.store, e.op, e.fallback]), [
      ['down-allow', 'take', 'allow'], ['down-deny', 'take', 'deny'], ['down-deny', 'refund', 'deny'],
    ])
    assert.ok(events.every(e => e.error instanceof Error))
    // Fast, not hanging: each failed on the closed connection at once, none by a command timeout.
    for (const e of events) assert.match((e.error as Error).message, /enableOfflineQueue|Connection is closed/)

    await waitUntil('the client reports its failed reconnections', 5000, async () => clientErrors.length > 0)
    await server.restart()
    await waitUntil('takes work again after restart', 5000, async () => (await deny.take('k', 1, rule)).degraded !== true)
    const fresh = await deny.take('fresh', 1, rule)
    assert.equal(fresh.ok, true)
    assert.equal(fresh.degraded, undefined)
  })
})
