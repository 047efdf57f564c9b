// What the two Redis limiter stores share: their options, the checks on them and the degraded
// answer. redis-store.ts decides one bucket per call (the dispatcher), redis-batch-store.ts every
// limit of a request per call (the gateway); both answer with `onStoreError` while Redis fails.

import type { Redis } from 'ioredis'
import { Emitter } from '../events.js'
import { InvalidOptionsError } from '../../errors.js'
import type { StoreEvent } from './limiter.js'

export interface RedisStoreBaseOptions {
  /** Preferably from `createRedisClient` (fail-fast, reconnecting). The store never closes it. */
  client: Redis
  /** Key namespace (default `sluice`). */
  prefix?: string
  /** The store's name: part of every key, and the `store` of its events. */
  name: string
  /**
   * What a take answers when Redis fails (default `allow`): `allow` lets the request through,
   * `deny` refuses it with `retryAfterMs: denyRetryAfterMs` so waiting callers try again soon.
   * Refunds and pauses that fail are dropped either way.
   */
  onStoreError?: 'allow' | 'deny'
  /** retryAfterMs of a `deny` fallback (default 1000). */
  denyRetryAfterMs?: number
  events?: Emitter<StoreEvent>
}

export interface RedisStoreBase {
  client: Redis
  name: string
  prefix: string
  fallback: 'allow' | 'deny'
  denyRetryAfterMs: number
  events: Emitter<StoreEvent>
}

/** Options with their defaults, or an InvalidOptionsError naming the bad one. */
export function redisStoreBase (options: RedisStoreBaseOptions): RedisStoreBase {
  const fallback = options.onStoreError ?? 'allow'
  if (fallback !== 'allow' && fallback !== 'deny') throw new InvalidOptionsError(`onStoreError must be allow or deny, got ${String(fallback)}`)
  if (!options.name) throw new InvalidOptionsError('a Redis limiter store needs a name')
  return {
    client: options.client,
    name: options.name,
    prefix: options.prefix ?? 'sluice',
    fallback,
    denyRetryAfterMs: options.denyRetryAfterMs ?? 1000,
    events: options.events ?? new Emitter<StoreEvent>(),
  }
}
