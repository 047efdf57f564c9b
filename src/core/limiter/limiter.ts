// The limiter contract shared by the gateway's rate-limit stage and the dispatcher's scheduler.
// A take never waits: it answers now, and when it says no it says when the next token is due, so
// a waiting caller arms exactly one timer instead of polling.

import type { Emitter } from '../events.js'
import type { Period } from './period.js'

/** A token bucket (GCRA-equivalent): `rate` tokens per `periodMs`, holding at most `burst`. */
export interface BucketRule {
  /** Tokens added per `periodMs`. */
  rate: number
  /** The refill period, in ms. */
  periodMs: number
  /** Most tokens the bucket holds: the largest burst let through at once. */
  burst: number
}

/**
 * `retryAfterMs` and `resetMs` are whole milliseconds rounded up, so a timer armed for
 * `retryAfterMs` never wakes before the token is there.
 *
 * `retryAfterMs` is `Infinity` when `cost > burst`: such a take can never succeed, whatever the
 * wait. Callers must not turn it into a Retry-After header or a timer (the rate limiter rejects
 * it with `InvalidOptionsError`).
 *
 * `degraded` is set when the store failed and the answer is its `onStoreError` fallback.
 */
export type Decision =
  | {
    /** The tokens were taken. */
    ok: true
    /** Tokens left in the bucket after this take. */
    remaining: number
    /** Ms until the bucket is full again. */
    resetMs: number
    /** The store failed and this is its `onStoreError: allow` answer. */
    degraded?: boolean
    /** Delay mode: the slot taken is this far ahead; the request waits for it (absent: now). */
    delayMs?: number
    /** Window counters: the start of the window charged, to refund a delayed request that left. */
    window?: number
  }
  | {
    /** Not enough tokens: nothing was taken. */
    ok: false
    /** Ms until `cost` tokens are there (`Infinity` when `cost` exceeds the burst). */
    retryAfterMs: number
    /** Tokens left: none to spare. */
    remaining: 0
    /** Ms until the bucket is full again. */
    resetMs: number
    /** The store failed and this is its `onStoreError: deny` answer. */
    degraded?: boolean
  }

/** A decision written in place by `LimiterStore.tryTakeSync` (retryAfterMs 0 when ok). */
export interface DecisionOut {
  ok: boolean
  remaining: number
  retryAfterMs: number
  resetMs: number
}

/** A store operation failed; the store answered with its fallback instead. */
export interface StoreErrorEvent {
  type: 'storeError'
  /** The store's name (the `store` label of `sluice_store_errors_total`). */
  store: string
  op: 'take' | 'refund' | 'pause'
  error: unknown
  fallback: 'allow' | 'deny'
}

export type StoreEvent = StoreErrorEvent

/** A window counter (windows.ts): `limit` requests per window of `period`. */
export interface WindowRule {
  readonly algorithm: 'fixed-window' | 'sliding-window'
  readonly limit: number
  /** A sliding window's period is milliseconds: its weighting needs windows of one length. */
  readonly period: Period
}

/** A gateway limit's rule: a token bucket, or a window counter (windows.ts). */
export type LimitRule = BucketRule | WindowRule

export function isWindowRule (rule: LimitRule): rule is WindowRule {
  return (rule as Partial<WindowRule>).algorithm !== undefined
}

/** One counter of a batch take (`LimiterStore.takeAll`). Keys within one batch are distinct. */
export interface TakeRequest {
  readonly key: string
  readonly cost: number
  readonly rule: LimitRule
  /** Delay mode: a slot up to this far ahead may be reserved instead of refusing (default 0). */
  readonly maxDelayMs?: number
}

/** Where a counter stands, read without taking: whole requests left, ms until fully restored. */
export interface Usage {
  readonly remaining: number
  readonly resetMs: number
}

/** Where token buckets live: the memory store, the Redis store, or your own with the same contract. */
export interface LimiterStore {
  /** Takes `cost` tokens from `key`'s bucket, or says how long until `cost` tokens are there. */
  take (key: string, cost: number, rule: BucketRule): Decision | Promise<Decision>
  /**
   * Optional synchronous take for stores that answer in-process (memory): the same decision as
   * `take`, written into `out` instead of allocated, with `now` read from the store's clock by the
   * caller (who already had it). Returns `out.ok`. Absent on stores that must await (Redis).
   */
  tryTakeSync? (key: string, cost: number, rule: BucketRule, now: number, out: DecisionOut): boolean
  /**
   * Takes from several buckets as one decision (the gateway's limits of one request): every bucket
   * is charged if every one allows, none otherwise, so a request refused by one limit costs the
   * others nothing. Decisions come in `requests` order; an `ok` one reads as if charged. A store
   * that can be shared answers in one round trip.
   */
  takeAll? (requests: readonly TakeRequest[]): Decision[] | Promise<Decision[]>
  /**
   * Gives back what an ok `takeAll` charged (`decisions` in the same order): a delayed request
   * whose client left before its slot. A window counter is refunded in the window it was charged.
   */
  refundAll? (requests: readonly TakeRequest[], decisions: readonly Decision[]): void | Promise<void>
  /** Reads counters without charging them (the admin usage endpoint). */
  peekAll? (requests: readonly TakeRequest[]): Usage[] | Promise<Usage[]>
  /** Gives back tokens a cancelled request reserved (never above `burst`). */
  refund (key: string, cost: number, rule: BucketRule): void | Promise<void>
  /** Empties `key`'s bucket for `forMs` from now: a supplier announced its window is spent. */
  pause (key: string, forMs: number, rule: BucketRule): void | Promise<void>
  /** Releases what the store holds (timers, its own connections); a client passed in is left open. */
  close (): Promise<void>
  /** Degraded-mode announcements (stores that cannot fail, like the memory store, may omit it). */
  readonly events?: Emitter<StoreEvent>
}
