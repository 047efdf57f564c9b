// 100k distinct `header:` key values (a client making up a tenant per request) through the
// rateLimits stage: the memory store stays within maxKeys, and every Redis counter expires by
// itself (here after the limit's 1 s), so neither store grows with what clients invent.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { REDIS_SKIP_REASON, startRedis } from '../../../test/helpers/redis-server.js'
import { systemClock } from '../../core/clock.js'
import { createRedisClient, whenRedisReady } from '../../core/redis.js'
import type { GatewayConfig, RateLimitingConfig } from '../../config/schema/index.js'
import { createMetrics } from '../../observability/metrics.js'
import type { RequestContext } from '../contract.js'
import { ResourceRegistry } from '../resources.js'
import { createRateLimitsStage } from './rate-limits.js'
import { useLimiterStore } from '../rate-limits/store.js'

const VALUES = 100_000

function setup (store: RateLimitingConfig['store']) {
  const deps = {
    clock: systemClock,
    logger: { warn () {} },
    metrics: createMetrics(),
    config: { rateLimiting: { store, headers: 'none' } } as unknown as GatewayConfig,
    resources: new ResourceRegistry().begin(),
  }
  const stage = createRateLimitsStage([{ name: 'per-tenant', key: 'header:x-tenant', requests: 5, per: '1s', algorithm: 'gcra', mode: 'reject' }], deps)
  return { stage, store: useLimiterStore(store, deps) }
}

function request (tenant: string): RequestContext {
  return {
    route: { name: 'api' },
    clientIp: '10.0.0.1',
    headers: { 'x-tenant': tenant },
    query: '',
    addResponseHeader () {},
  } as unknown as RequestContext
}

test('100k distinct header values: the memory store holds at most maxKeys counters', () => {
  const { stage, store } = setup({ type: 'memory', maxKeys: 1000 })
  for (let i = 0; i < VALUES; i++) assert.equal(stage.onRequest!(request(`tenant-${i}`)), undefined)
  assert.ok((store as unknown as { size: number }).size <= 1000, `size ${(store as unknown as { size: number }).size}`)
})

test('100k distinct header values: every Redis counter expires by itself', async t => {
  const server = await startRedis()
  if (server === undefined) return t.skip(REDIS_SKIP_REASON)
  const client = createRedisClient(server.url)
  t.after(async () => {
    client.disconnect()
    await server.stop()
  })
  await whenRedisReady(client, 5000)
  const { stage, store } = setup({ type: 'redis', url: server.url, prefix: 'sluice', onStoreError: 'deny' })
  t.after(() => store.close())
  // In slices, as concurrent requests would arrive: each slice's scripts share pipelined writes.
  for (let i = 0; i < VALUES; i += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, j) => stage.onRequest!(request(`tenant-${i + j}`))))
  }
  assert.ok(await client.dbsize() <= VALUES)
  await stage.onRequest!(request('probe'))
  const ttl = await client.pttl('sluice:rl:{gateway}:r|api|per-tenant:5/1000/5|h=probe')
  // -2: already expired (a slow machine); -1 would be a counter that never expires.
  assert.ok(ttl === -2 || (ttl > 0 && ttl <= 200), `one request of 5 per second keeps its counter 200 ms at most, not ${ttl}`)
  const deadline = Date.now() + 10_000
  while (await client.dbsize() > 0) {
    assert.ok(Date.now() < deadline, `${await client.dbsize()} keys still there 10 s later`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
})
