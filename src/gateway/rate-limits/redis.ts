// `rateLimiting.store: { type: redis }`: the gateway's counters in Redis, shared by every instance.
// One script call decides all limits of a request (core/limiter/redis-batch-store.ts). Concurrent
// requests' calls go out together: ioredis auto-pipelining writes every command issued in one
// tick as one batch, so a busy gateway pays one socket write and one read for many requests
// instead of one each, while every request still costs Redis exactly one command.
//
// When Redis fails the store answers with `onStoreError`, and says so: each failure counts in
// `sluice_store_errors_total{store="redis"}`, the log gets StoreHealth's throttled warnings, and
// the first answer from Redis again logs the recovery. The client reconnects by itself.

import type { Clock } from '../../core/clock.js'
import type { Decision, TakeRequest, Usage } from '../../core/limiter/limiter.js'
import { createRedisBatchStore } from '../../core/limiter/redis-batch-store.js'
import { StoreHealth } from '../../core/limiter/store-health.js'
import type { StoreLogger } from '../../core/limiter/store-health.js'
import { createRedisClient, whenRedisReady } from '../../core/redis.js'
import type { Metrics } from '../../observability/metrics.js'

export interface RedisLimiterConfig {
  readonly url: string
  readonly prefix: string
  readonly onStoreError: 'allow' | 'deny'
}

export interface RedisLimiterDeps {
  readonly clock: Clock
  readonly logger: StoreLogger
  readonly metrics: Metrics
}

/** How long the first takes wait for the first connection before answering with onStoreError. */
const FIRST_CONNECT_MS = 2000

export interface RedisLimiter {
  takeAll (requests: readonly TakeRequest[]): Promise<Decision[]>
  refundAll (requests: readonly TakeRequest[], decisions: readonly Decision[]): Promise<void>
  peekAll (requests: readonly TakeRequest[]): Promise<Usage[]>
  close (): Promise<void>
}

export function openRedisLimiter (config: RedisLimiterConfig, deps: RedisLimiterDeps): RedisLimiter {
  const client = createRedisClient(config.url, { redis: { enableAutoPipelining: true } })
  const store = createRedisBatchStore({ client, prefix: config.prefix, name: 'gateway', onStoreError: config.onStoreError })
  const health = new StoreHealth({ clock: deps.clock, logger: deps.logger })
  const errors = deps.metrics.storeErrors.labels('redis')
  const off = store.events.on(e => {
    errors.inc()
    health.failed(e)
  })
  // Until the first connection is up every command would fail at once, and with `allow` a
  // gateway's first requests would pass unlimited: they wait for it instead, boundedly.
  let connecting: Promise<void> | undefined = whenRedisReady(client, FIRST_CONNECT_MS)
    .catch(() => {})
    .finally(() => { connecting = undefined })

  async function takeAll (requests: readonly TakeRequest[]): Promise<Decision[]> {
    if (connecting !== undefined) await connecting
    const ds = await store.takeAll(requests)
    if (ds[0]?.degraded !== true) health.succeeded('gateway')
    return ds
  }

  return {
    takeAll,
    refundAll: (requests, decisions) => store.refundAll(requests, decisions),
    peekAll: requests => store.peekAll(requests),
    async close () {
      off()
      if (connecting !== undefined) await connecting
      client.disconnect()
    },
  }
}
