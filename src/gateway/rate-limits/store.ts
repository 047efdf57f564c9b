// The limiter store behind every route's `rateLimits`, kept as a keyed resource (resources.ts):
// a reload that leaves `rateLimiting.store` alone hands the same store, counters (and Redis
// connection) and all, to the new snapshot.

import type { Clock } from '../../core/clock.js'
import type { Decision, TakeRequest, Usage } from '../../core/limiter/limiter.js'
import { createMemoryStore } from '../../core/limiter/memory-store.js'
import type { StoreLogger } from '../../core/limiter/store-health.js'
import { stableKey } from '../../core/stable-key.js'
import type { RateLimitingConfig } from '../../config/schema/index.js'
import type { Metrics } from '../../observability/metrics.js'
import type { Resource, ResourceSet } from '../resources.js'
import { createWaitingRoom } from './delay.js'
import type { WaitingRoom } from './delay.js'
import { CLUSTER_LIMITER_ENV, createClusterStore } from './cluster-store.js'
import { openRedisLimiter } from './redis.js'

/**
 * A store that decides all limits of a request at once, charging all or none. A `degraded`
 * decision is the store's onStoreError answer: nothing was decided.
 */
export interface BatchStore {
  takeAll (requests: readonly TakeRequest[]): Decision[] | Promise<Decision[]>
  refundAll (requests: readonly TakeRequest[], decisions: readonly Decision[]): void | Promise<void>
  peekAll (requests: readonly TakeRequest[]): Usage[] | Promise<Usage[]>
  close (): void | Promise<void>
}

export interface StoreDeps {
  readonly clock: Clock
  readonly logger: StoreLogger
  readonly metrics: Metrics
  readonly resources: ResourceSet
}

export function useLimiterStore (config: RateLimitingConfig['store'], deps: StoreDeps): BatchStore {
  return deps.resources.use(`rateLimitStore|${stableKey(config)}`, (): BatchStore => {
    if (config.type === 'redis') return openRedisLimiter(config, deps)
    // A worker of `server.workers` > 1 (its primary set the variable): the primary holds the counters.
    if (process.env[CLUSTER_LIMITER_ENV] === '1') return createClusterStore(config.maxKeys ?? 100_000, deps)
    return createMemoryStore({ clock: deps.clock, maxKeys: config.maxKeys })
  })
}

/** The process's room for delay-mode waits, shared by every route and kept across reloads. */
export function useWaitingRoom (capacity: number, deps: StoreDeps): WaitingRoom & Resource {
  return deps.resources.use(`rateLimitWaiting|${capacity}`, () => Object.assign(createWaitingRoom(capacity), { close () {} }))
}
