// Builds the limiter store the options ask for. A store passed in ready-made belongs to the
// caller and is not closed by the dispatcher; one built here is. A store that reports errors
// (Redis) is watched: its errors and its first good answer after them go to StoreHealth.

import type { Clock } from '../core/clock.js'
import type { Emitter } from '../core/events.js'
import type { BucketRule, Decision, LimiterStore, StoreEvent } from '../core/limiter/limiter.js'
import { createMemoryStore } from '../core/limiter/memory-store.js'
import { createRedisStore } from '../core/limiter/redis-store.js'
import { createRedisClient, whenRedisReady } from '../core/redis.js'
import type { StoreOptions } from './options.js'
import type { StoreHealth } from '../core/limiter/store-health.js'

export interface OwnedStore {
  store: LimiterStore
  /** Store error events, when the store reports them (Redis). */
  events?: Emitter<StoreEvent>
  /**
   * Settles once the store can answer (Redis connected, or gave up waiting). Calls made before
   * would all hit onStoreError at start-up, which with `allow` is an unmetered burst.
   */
  ready?: Promise<void>
  close (): Promise<void>
}

/** `store` with its take answers reported to `health`; errors arrive through its events. */
interface Watched { store: LimiterStore, off: () => void }

function watched (store: LimiterStore, events: Emitter<StoreEvent>, health: StoreHealth): Watched {
  let name = 'store'
  const off = events.on(e => {
    name = e.store
    health.failed(e)
  })
  const seen = (d: Decision): Decision => {
    if (d.degraded !== true) health.succeeded(name)
    return d
  }
  const take = (key: string, cost: number, rule: BucketRule): Decision | Promise<Decision> => {
    const d = store.take(key, cost, rule)
    return d instanceof Promise ? d.then(seen) : seen(d)
  }
  return {
    store: {
      take,
      refund: (key, cost, rule) => store.refund(key, cost, rule),
      pause: (key, forMs, rule) => store.pause(key, forMs, rule),
      close: () => store.close(),
      events,
    },
    off,
  }
}

export function openStore (opt: StoreOptions | LimiterStore, clock: Clock, health?: StoreHealth): OwnedStore {
  if (!('type' in opt)) {
    const events = opt.events
    if (events === undefined || health === undefined) return { store: opt, events, close: async () => {} }
    const w = watched(opt, events, health)
    return { store: w.store, events, close: async () => w.off() }
  }
  if (opt.type === 'memory') {
    const store = createMemoryStore({ clock, maxKeys: opt.maxKeys })
    return { store, close: () => store.close() }
  }
  const client = createRedisClient(opt.url)
  const redis = createRedisStore({ client, prefix: opt.prefix, name: 'dispatcher', onStoreError: opt.onStoreError })
  const w = health === undefined ? undefined : watched(redis, redis.events, health)
  return {
    store: w?.store ?? redis,
    events: redis.events,
    ready: whenRedisReady(client, 2000).catch(() => {}),
    async close () {
      w?.off()
      await redis.close()
      client.disconnect()
    },
  }
}
