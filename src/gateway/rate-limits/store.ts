// The limiter store behind every route's `rateLimits`, kept as a keyed resource (resources.ts):
// a reload that leaves `rateLimiting.store` alone hands the same store, counters and all, to the
// new snapshot.

import type { Clock } from '../../core/clock.js'
import type { Decision, LimiterStore, TakeRequest } from '../../core/limiter/limiter.js'
import { createMemoryStore } from '../../core/limiter/memory-store.js'
import { stableKey } from '../../core/stable-key.js'
import type { RateLimitingConfig } from '../../config/schema/index.js'
import type { ResourceSet } from '../resources.js'

/** A store that decides all limits of a request at once. */
export interface BatchStore extends LimiterStore {
  takeAll (requests: readonly TakeRequest[]): Decision[] | Promise<Decision[]>
}

export interface StoreDeps {
  readonly clock: Clock
  readonly resources: ResourceSet
}

export function useLimiterStore (config: RateLimitingConfig['store'], deps: StoreDeps): BatchStore {
  return deps.resources.use(`rateLimitStore|${stableKey(config)}`, () =>
    createMemoryStore({ clock: deps.clock, maxKeys: config.maxKeys }))
}
