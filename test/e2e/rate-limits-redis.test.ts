// rateLimiting.store: { type: redis } against a real redis-server: every limit of a request in
// one Redis command (counted with MONITOR), keys under one hash tag that expire by themselves, two
// gateways on one Redis sharing their counters exactly, onStoreError allow and deny while Redis is
// stopped (loud: metric and log) and both recovering by themselves when it returns, and a reload
// that keeps the store (and its connection) when `rateLimiting.store` is unchanged.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Redis } from 'ioredis'
import { createRedisClient, whenRedisReady } from '../../src/core/redis.js'
import { REDIS_SKIP_REASON, startRedis } from '../helpers/redis-server.js'
import type { RedisServer } from '../helpers/redis-server.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let redis: RedisServer | undefined
let client: Redis
let up: TestUpstream
const gateways: TestGateway[] = []

// Hour-long windows: the test's seconds of real time (Redis TIME is the clock) refill nothing.
const config = (onStoreError = 'allow', extra = ''): string => `
server: { port: 0, trustedProxies: [127.0.0.1] }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
rateLimiting:
  store: { type: redis, url: ${redis!.url}, onStoreError: ${onStoreError} }
routes:
  - name: three
    match: { path: /three }
    upstream: a
    rateLimits:
      - { name: per-ip, key: ip, requests: 100, per: 1h }
      - { name: per-tenant, key: header:x-tenant, requests: 50, per: 1h }
      - { name: everyone, key: route, requests: 1000, per: 1h }
  - name: tight
    match: { path: /tight }
    upstream: a
    rateLimits:
      - { name: tight, key: ip, requests: 3, per: 1h }
${extra}`

async function gateway (yaml: string): Promise<TestGateway> {
  const gw = await startGateway(yaml)
  gateways.push(gw)
  return gw
}

const from = (ip: string, extra: Record<string, string> = {}): { headers: Record<string, string> } =>
  ({ headers: { 'x-forwarded-for': ip, ...extra } })

async function storeErrors (gw: TestGateway): Promise<number> {
  const text = await gw.gateway.metrics.registry.metrics()
  const m = /^sluice_store_errors_total\{store="redis"\} (\d+)$/m.exec(text)
  return m === null ? 0 : Number(m[1])
}

async function connectedClients (): Promise<number> {
  const info = await client.info('clients')
  return Number(/connected_clients:(\d+)/.exec(info)![1])
}

async function eventually (what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${ms}ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

before(async () => {
  redis = await startRedis()
  if (redis === undefined) return
  client = createRedisClient(redis.url, { maxBackoffMs: 100 })
  await whenRedisReady(client, 5000)
  up = await startUpstream('up')
})

after(async () => {
  for (const gw of gateways) await gw.close()
  if (redis === undefined) return
  client.disconnect()
  await up.close()
  await redis.stop()
})

test('three limits, one Redis command per request; keys share one hash tag and expire', async t => {
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  const gw = await gateway(config())
  assert.equal((await send(gw.url, '/three', from('10.1.0.1', { 'x-tenant': 'warm' }))).status, 200)

  // monitor() opens its own connection; the client it is called on stays idle (and is closed too).
  const base = createRedisClient(redis.url)
  const monitor = await base.monitor()
  t.after(() => {
    monitor.disconnect()
    base.disconnect()
  })
  const seen: Array<{ args: string[], source: string }> = []
  monitor.on('monitor', (_time: string, args: string[], source: string) => { seen.push({ args, source }) })
  for (let i = 0; i < 20; i++) {
    const res = await send(gw.url, '/three', from('10.1.0.1', { 'x-tenant': 'acme' }))
    assert.equal(res.status, 200)
    assert.equal(res.headers.ratelimit, `"per-tenant";r=${49 - i};t=${Math.ceil((i + 1) * 72)}`)
  }
  await client.echo('end-of-requests')
  await eventually('MONITOR relays the marker', async () => seen.some(s => s.args[1] === 'end-of-requests'))
  const fromGateway = seen.filter(s => s.source !== 'lua' && s.args[1] !== 'end-of-requests')
  assert.deepEqual(fromGateway.map(s => s.args[0]!.toLowerCase()), Array(20).fill('evalsha'),
    'one EVALSHA per request, nothing else')
  for (const s of fromGateway) assert.equal(s.args[2], '3', 'three keys in each call')
  assert.equal(seen.filter(s => s.source === 'lua' && s.args[0]!.toLowerCase() === 'set').length, 60, 'all three charged each time')

  const keys = (await client.keys('sluice:rl:*')).sort()
  // everyone and per-ip (one client) are shared by both tenants' requests: 4 counters, not 6.
  assert.equal(keys.length, 4, keys.join('\n'))
  for (const k of keys) {
    assert.match(k, /^sluice:rl:\{gateway\}:/, 'one hash tag: every limit of a request on one Cluster slot')
    const ttl = await client.pttl(k)
    assert.ok(ttl > 0 && ttl <= 3_600_000, `${k} expires (${ttl} ms)`)
  }
})

test('two gateways on one Redis admit the limit exactly, together', async t => {
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  const a = await gateway(config())
  const b = await gateway(config())
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2 === 0 ? a.url : b.url, '/tight', from('10.2.0.1'))))
  assert.equal(all.filter(r => r.status === 200).length, 3)
  for (const r of all.filter(r => r.status === 429)) {
    assert.equal(r.json<{ error: { code: string } }>().error.code, 'SLC_RATE_LIMITED')
    assert.equal(r.headers['retry-after'], '1200', 'the next of 3 tokens an hour is due in 20 min')
  }
})

test('Redis stopped: allow passes, deny answers 503, both loud; both recover when Redis returns', async t => {
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  const allow = await gateway(config('allow'))
  const deny = await gateway(config('deny'))
  for (let i = 0; i < 3; i++) assert.equal((await send(allow.url, '/tight', from('10.3.0.1'))).status, 200)
  assert.equal((await send(allow.url, '/tight', from('10.3.0.1'))).status, 429)
  assert.equal((await send(deny.url, '/tight', from('10.3.0.2'))).status, 200)

  await redis.stop()
  for (let i = 0; i < 5; i++) {
    const res = await send(allow.url, '/tight', from('10.3.0.1'))
    assert.equal(res.status, 200, 'allow: passed although the limit is spent, since nothing can be decided')
    assert.equal(res.headers.ratelimit, undefined, 'no fields: nothing is known about the limit')
    const refused = await send(deny.url, '/tight', from('10.3.0.2'))
    assert.equal(refused.status, 503)
    const body = refused.json<{ error: { code: string, requestId: string } }>()
    assert.equal(body.error.code, 'SLC_STORE_UNAVAILABLE')
    assert.equal(body.error.requestId, refused.headers['x-request-id'])
  }
  assert.equal(await storeErrors(allow), 5)
  assert.equal(await storeErrors(deny), 5)
  for (const [gw, fallback] of [[allow, 'allow'], [deny, 'deny']] as const) {
    const warnings = gw.logs.filter(l => typeof l.msg === 'string' && l.msg.startsWith('limiter store'))
    assert.deepEqual(warnings.map(l => [l.msg, l.fallback]),
      [[`limiter store unavailable: answering with onStoreError=${fallback}`, fallback]], 'one line, not one per request')
  }

  await redis.restart()
  // Redis came back empty (no persistence): limits start afresh, and are decided again.
  let probe = 10
  await eventually('allow decides again', async () =>
    (await send(allow.url, '/tight', from(`10.3.0.${probe++}`))).headers.ratelimit !== undefined)
  await eventually('deny answers again', async () =>
    (await send(deny.url, '/tight', from(`10.3.0.${probe++}`))).status === 200)
  for (let i = 0; i < 3; i++) assert.equal((await send(allow.url, '/tight', from('10.3.1.1'))).status, 200)
  assert.equal((await send(allow.url, '/tight', from('10.3.1.1'))).status, 429, 'limited again')
  for (const gw of [allow, deny]) {
    assert.equal(gw.logs.filter(l => l.msg === 'limiter store recovered').length, 1)
  }
})

test('a reload keeps the store, its connection and counters, when rateLimiting.store is unchanged', async t => {
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  const gw = await gateway(config())
  for (let i = 0; i < 3; i++) assert.equal((await send(gw.url, '/tight', from('10.4.0.1'))).status, 200)
  const clients = await connectedClients()
  assert.equal((await gw.reload(config('allow', '# touched\n'))).ok, true)
  assert.equal((await send(gw.url, '/tight', from('10.4.0.1'))).status, 429, 'same limit: still spent')
  assert.equal(await connectedClients(), clients, 'the same connection')
  assert.equal((await gw.reload(config('deny'))).ok, true)
  assert.equal((await send(gw.url, '/tight', from('10.4.0.1'))).status, 429, 'a new store, the same counters in Redis')
  await eventually('the old store closes its connection once its snapshot retires', async () =>
    (await connectedClients()) === clients)
})
