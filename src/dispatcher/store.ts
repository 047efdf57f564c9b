// Builds the limiter store the options ask for. A store passed in ready-made belongs to the
// caller and is not closed by the dispatcher; one built here is.

import type { Clock } from '../core/clock.js'
import type { LimiterStore } from '../core/limiter/limiter.js'
import { createMemoryStore } from '../core/limiter/memory-store.js'
import { createRedisStore } from '../core/limiter/redis-store.js'
import { createRedisClient, whenRedisReady } from '../core/redis.js'
import type { StoreOptions } from './options.js'

export interface OwnedStore {
  store: LimiterStore
  /** Store error events, when the store reports them (Redis). */
  events?: unknown
  /**
   * Settles once the store can answer (Redis connected, or gave up waiting). Calls made before
   * would all hit onStoreError at start-up, which with `allow` is an unmetered burst.
   */
  ready?: Promise<void>
  close (): Promise<void>
}

export function openStore (opt: StoreOptions | LimiterStore, clock: Clock): OwnedStore {
  if (!('type' in opt)) return { store: opt, close: async () => {} }
  if (opt.type === 'memory') {
    const store = createMemoryStore({ clock, maxKeys: opt.maxKeys })
    return { store, close: () => store.close() }
  }
  const client = createRedisClient(opt.url)
  const store = createRedisStore({ client, prefix: opt.prefix, name: 'dispatcher', onStoreError: opt.onStoreError })
  return {
    store,
    events: store.events,
    ready: whenRedisReady(client, 2000).catch(() => {}),
    async close () {
      await store.close()
      client.disconnect()
    },
  }
}
