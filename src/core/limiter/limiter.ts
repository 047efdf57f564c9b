// The limiter contract shared by the gateway's rate-limit stage and the dispatcher's scheduler.
// A take never waits: it answers now, and when it says no it says when the next token is due, so
// a waiting caller arms exactly one timer instead of polling.

/** A token bucket (GCRA-equivalent): `rate` tokens per `periodMs`, holding at most `burst`. */
export interface BucketRule {
  rate: number
  periodMs: number
  burst: number
}

export type Decision =
  | { ok: true, remaining: number, resetMs: number }
  | { ok: false, retryAfterMs: number, remaining: 0, resetMs: number }

export interface LimiterStore {
  /** Takes `cost` tokens from `key`'s bucket, or says how long until `cost` tokens are there. */
  take (key: string, cost: number, rule: BucketRule): Decision | Promise<Decision>
  /** Gives back tokens a cancelled request reserved (never above `burst`). */
  refund (key: string, cost: number, rule: BucketRule): void | Promise<void>
  /** Empties `key`'s bucket until `untilMs` from now: a supplier announced its window is spent. */
  pause (key: string, forMs: number, rule: BucketRule): void | Promise<void>
  close (): Promise<void>
}
