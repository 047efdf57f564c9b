// Buckets for one process, bounded in memory. A bucket whose TAT has passed is full again and
// carries no information, so it can be forgotten at any time: that is what makes lazy expiry
// and eviction safe. No interval timer sweeps the map.

import { systemClock } from '../clock.js'
import type { Clock } from '../clock.js'
import { InvalidOptionsError } from '../../errors.js'
import type { BucketRule, Decision, LimiterStore } from './limiter.js'
import { gcraPause, gcraRefund, gcraTake } from './token-bucket.js'

export interface MemoryStoreOptions {
  clock?: Clock
  /** Most buckets held at once (default 100 000); beyond it the least recently written goes. */
  maxKeys?: number
}

/** Answers synchronously: a caller on the hot path may skip the await. */
export interface MemoryStore extends LimiterStore {
  take (key: string, cost: number, rule: BucketRule): Decision
  refund (key: string, cost: number, rule: BucketRule): void
  pause (key: string, forMs: number, rule: BucketRule): void
  /** Buckets held now (full ones may linger until a write looks at them). */
  readonly size: number
}

/** How many of the oldest entries each write inspects for expiry: amortised O(1), no sweep timer. */
const SWEEP_PER_WRITE = 2

export function createMemoryStore (options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock
  const maxKeys = options.maxKeys ?? 100_000
  if (!(Number.isInteger(maxKeys) && maxKeys >= 1)) throw new InvalidOptionsError(`maxKeys must be a positive integer, got ${maxKeys}`)

  // Insertion order is write order (every write deletes then re-inserts), so the first entry is
  // the least recently written: an LRU without a linked list. It is also the likeliest to be full.
  const tats = new Map<string, number>()

  function read (key: string, now: number): number | undefined {
    const tat = tats.get(key)
    return tat !== undefined && tat > now ? tat : undefined
  }

  function write (key: string, tat: number, now: number): void {
    tats.delete(key)
    if (tat > now) {
      tats.set(key, tat)
      // A lone entry is the one just written, and it is not due: skip the iterator (one supplier's hot path).
      if (tats.size === 1) return
    }
    let looked = 0
    for (const [k, t] of tats) {
      if (looked++ >= SWEEP_PER_WRITE) break
      if (t <= now) tats.delete(k)
    }
    while (tats.size > maxKeys) {
      const oldest = tats.keys().next().value as string
      tats.delete(oldest)
    }
  }

  return {
    get size () { return tats.size },

    take (key: string, cost: number, rule: BucketRule): Decision {
      const now = clock.now()
      const r = gcraTake(read(key, now), now, cost, rule)
      if (r.decision.ok) write(key, r.tat, now)
      return r.decision
    },

    refund (key: string, cost: number, rule: BucketRule): void {
      const now = clock.now()
      const tat = read(key, now)
      if (tat !== undefined) write(key, gcraRefund(tat, now, cost, rule), now)
    },

    pause (key: string, forMs: number, rule: BucketRule): void {
      const now = clock.now()
      write(key, gcraPause(read(key, now), now, forMs, rule), now)
    },

    async close () { tats.clear() },
  }
}
