// Counters for one process, bounded in memory. A bucket whose TAT has passed is full again and
// carries no information, and so does a window counter past its `until` (windows.ts): either can
// be forgotten at any time, which is what makes lazy expiry and eviction safe. No interval timer
// sweeps the map. GCRA runs on the monotonic clock; window counters on wall time, because their
// windows are cut at fixed instants of UTC (period.ts), the same ones Redis cuts at.

import { systemClock } from '../clock.js'
import type { Clock } from '../clock.js'
import { InvalidOptionsError } from '../../errors.js'
import { isWindowRule } from './limiter.js'
import type { BucketRule, Decision, DecisionOut, LimiterStore, TakeRequest, Usage } from './limiter.js'
import { gcraPause, gcraPeek, gcraRefund, gcraReserve, gcraTake, gcraTakeInto } from './token-bucket.js'
import { windowPeek, windowRefund, windowTake } from './windows.js'
import type { WindowState } from './windows.js'

export interface MemoryStoreOptions {
  /** Clock the buckets refill on [systemClock]. */
  clock?: Clock
  /** Most buckets held at once (default 100 000); beyond it the least recently written goes. */
  maxKeys?: number
}

/** Answers synchronously: a caller on the hot path may skip the await. */
export interface MemoryStore extends LimiterStore {
  take (key: string, cost: number, rule: BucketRule): Decision
  tryTakeSync (key: string, cost: number, rule: BucketRule, now: number, out: DecisionOut): boolean
  refund (key: string, cost: number, rule: BucketRule): void
  pause (key: string, forMs: number, rule: BucketRule): void
  takeAll (requests: readonly TakeRequest[]): Decision[]
  refundAll (requests: readonly TakeRequest[], decisions: readonly Decision[]): void
  peekAll (requests: readonly TakeRequest[]): Usage[]
  /** Buckets held now (full ones may linger until a write looks at them). */
  readonly size: number
}

/** How many of the oldest entries each write inspects for expiry: amortised O(1), no sweep timer. */
const SWEEP_PER_WRITE = 2

/**
 * A bucket's TAT (`win` undefined), or a window counter's state and the monotonic time it runs
 * out; and when (in insertions into the map) it was last moved to the map's end.
 */
interface Slot { tat: number, order: number, win: WindowState | undefined }

/** Creates an in-process token-bucket store, bounded to `maxKeys` buckets (least recently written evicted). */
export function createMemoryStore (options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock
  const maxKeys = options.maxKeys ?? 100_000
  if (!(Number.isInteger(maxKeys) && maxKeys >= 1)) throw new InvalidOptionsError(`maxKeys must be a positive integer, got ${maxKeys}`)

  // Insertion order is write order, so the first entry is the least recently written: an LRU
  // without a linked list. It is also the likeliest to be full. Moving a key to the end costs a
  // delete and a set, so a write moves it only once more than maxKeys / 2 other keys were inserted
  // after it: a key written at least that often is never evicted, and one key (a supplier's hot
  // path) is updated in place.
  const tats = new Map<string, Slot>()
  const touchAfter = Math.floor(maxKeys / 2)
  let inserted = 0

  function read (slot: Slot | undefined, now: number): number | undefined {
    return slot !== undefined && slot.tat > now ? slot.tat : undefined
  }

  function readWindow (slot: Slot | undefined, now: number): WindowState | undefined {
    return slot !== undefined && slot.tat > now ? slot.win : undefined
  }

  function write (key: string, slot: Slot | undefined, tat: number, now: number, win?: WindowState): void {
    if (tat <= now) {
      if (slot !== undefined) tats.delete(key)
    } else if (slot === undefined) {
      tats.set(key, { tat, order: ++inserted, win })
    } else {
      slot.tat = tat
      slot.win = win
      if (inserted - slot.order >= touchAfter) {
        tats.delete(key)
        tats.set(key, slot)
        slot.order = ++inserted
      }
      // An update in place does not grow the map: the sweep below is what each new key pays for
      // (amortised expiry), so the hot path of known keys skips its iterator.
      return
    }
    // A lone entry is the one just written, and it is not due: skip the iterator (one supplier's hot path).
    if (tats.size <= 1 && tat > now) return
    let looked = 0
    for (const [k, s] of tats) {
      if (looked++ >= SWEEP_PER_WRITE) break
      if (s.tat <= now) tats.delete(k)
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
      const slot = tats.get(key)
      const r = gcraTake(read(slot, now), now, cost, rule)
      if (r.decision.ok) write(key, slot, r.tat, now)
      return r.decision
    },

    tryTakeSync (key: string, cost: number, rule: BucketRule, now: number, out: DecisionOut): boolean {
      const slot = tats.get(key)
      const tat = gcraTakeInto(read(slot, now), now, cost, rule, out)
      if (out.ok) write(key, slot, tat, now)
      return out.ok
    },

    takeAll (requests: readonly TakeRequest[]): Decision[] {
      // Decide every counter as it stands, then write only if all allow: nothing runs in between
      // (one synchronous call), so the batch is atomic within this process. Plain loops and
      // parallel arrays: this runs for every request of a limited route.
      const now = clock.now()
      const wall = clock.wallNow()
      const n = requests.length
      const decisions = new Array<Decision>(n)
      const tatsAfter = new Array<number>(n)
      const wins = new Array<WindowState | undefined>(n)
      let allOk = true
      for (let i = 0; i < n; i++) {
        const r = requests[i]!
        const slot = tats.get(r.key)
        if (isWindowRule(r.rule)) {
          const w = windowTake(readWindow(slot, now), wall, r.cost, r.rule, r.maxDelayMs)
          decisions[i] = w.decision
          tatsAfter[i] = now + (w.until - wall)
          wins[i] = w.state
        } else {
          const g = gcraReserve(read(slot, now), now, r.cost, r.rule, r.maxDelayMs ?? 0)
          decisions[i] = g.decision
          tatsAfter[i] = g.tat
        }
        if (!decisions[i]!.ok) allOk = false
      }
      // Looked up again: an earlier write may have evicted a later key's slot.
      if (!allOk) return decisions
      for (let i = 0; i < n; i++) {
        const key = requests[i]!.key
        write(key, tats.get(key), tatsAfter[i]!, now, wins[i])
      }
      return decisions
    },

    refundAll (requests: readonly TakeRequest[], decisions: readonly Decision[]): void {
      const now = clock.now()
      const wall = clock.wallNow()
      requests.forEach((r, i) => {
        const d = decisions[i]
        if (d === undefined || !d.ok) return
        const slot = tats.get(r.key)
        if (isWindowRule(r.rule)) {
          if (d.window === undefined) return
          const w = windowRefund(readWindow(slot, now), wall, d.window, r.cost, r.rule)
          write(r.key, slot, now + (w.until - wall), now, w.state)
          return
        }
        const tat = read(slot, now)
        if (tat !== undefined) write(r.key, slot, gcraRefund(tat, now, r.cost, r.rule), now)
      })
    },

    peekAll (requests: readonly TakeRequest[]): Usage[] {
      const now = clock.now()
      return requests.map((r) => {
        const slot = tats.get(r.key)
        return isWindowRule(r.rule)
          ? windowPeek(readWindow(slot, now), clock.wallNow(), r.rule)
          : gcraPeek(read(slot, now), now, r.rule)
      })
    },

    refund (key: string, cost: number, rule: BucketRule): void {
      const now = clock.now()
      const slot = tats.get(key)
      const tat = read(slot, now)
      if (tat !== undefined) write(key, slot, gcraRefund(tat, now, cost, rule), now)
    },

    pause (key: string, forMs: number, rule: BucketRule): void {
      const now = clock.now()
      const slot = tats.get(key)
      write(key, slot, gcraPause(read(slot, now), now, forMs, rule), now)
    },

    async close () { tats.clear() },
  }
}
