// A lower bound on how long a new call must wait for its token, from the bucket's last answer.
// Used only to refuse at once a call whose deadline cannot be met: being a lower bound (other
// processes sharing the bucket and running calls only make it later), it never refuses a call
// that could have made it.

import type { BucketRule } from '../core/limiter/limiter.js'

export interface LastTake {
  /** Clock time of the store's answer. */
  at: number
  ok: boolean
  remaining: number
  retryAfterMs: number
}

/** Milliseconds from `now` until a call with `ahead` calls queued before it could get a token. */
export function estimateStartMs (
  ahead: number, rule: BucketRule | undefined, last: LastTake | undefined, now: number
): number {
  if (rule === undefined) return 0
  const perToken = rule.periodMs / rule.rate
  // Tokens in the bucket at `now` (fractional, negative while the next one is not due yet).
  let avail: number
  if (last === undefined) avail = rule.burst
  else if (last.ok) avail = Math.min(rule.burst, last.remaining + (now - last.at) / perToken)
  else avail = Math.min(rule.burst, 1 - (last.at + last.retryAfterMs - now) / perToken)
  const need = ahead + 1
  return need <= avail ? 0 : (need - avail) * perToken
}
