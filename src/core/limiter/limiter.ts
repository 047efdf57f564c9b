// The limiter contract shared by the gateway's rate-limit stage and the dispatcher's scheduler.
// A take never waits: it answers now, and when it says no it says when the next token is due, so
// a waiting caller arms exactly one timer instead of polling.

import type { Emitter } from '../events.js'

/** A token bucket (GCRA-equivalent): `rate` tokens per `periodMs`, holding at most `burst`. */
export interface BucketRule {
  rate: number
  periodMs: number
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
  | { ok: true, remaining: number, resetMs: number, degraded?: boolean }
  | { ok: false, retryAfterMs: number, remaining: 0, resetMs: number, degraded?: boolean }

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

/** One bucket of a batch take (`LimiterStore.takeAll`). Keys within one batch are distinct. */
export interface TakeRequest {
  readonly key: string
  readonly cost: number
  readonly rule: BucketRule
}

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
  /** Gives back tokens a cancelled request reserved (never above `burst`). */
  refund (key: string, cost: number, rule: BucketRule): void | Promise<void>
  /** Empties `key`'s bucket for `forMs` from now: a supplier announced its window is spent. */
  pause (key: string, forMs: number, rule: BucketRule): void | Promise<void>
  close (): Promise<void>
  /** Degraded-mode announcements (stores that cannot fail, like the memory store, may omit it). */
  readonly events?: Emitter<StoreEvent>
}
