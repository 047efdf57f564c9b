// The token bucket as GCRA: one number per key, the theoretical arrival time (TAT) — the moment the
// bucket would be full again if nothing more were taken. Tokens are never counted; a take of `cost`
// pushes TAT by `cost` emission intervals and is allowed if TAT stays within `burst` intervals of
// now. Both stores share this maths; the Redis script repeats only the conformance test and write.
//
//   now ──────────────┬────────────── TAT ──▶
//                     │◀─ tat - now ─▶│        in use = (tat - now) / T tokens
//   │◀────────── burst · T ──────────▶│        allowed while newTat - now <= burst · T

import { InvalidOptionsError } from '../../errors.js'
import type { BucketRule, Decision, DecisionOut, Usage } from './limiter.js'

/** Float slack (ms) so that 3 × (1000/3) still counts as 1000 and never costs an extra millisecond. */
export const EPSILON = 1e-6

export interface TakeResult {
  decision: Decision
  /** TAT to store; unchanged on a refusal. At or before `now` means "full bucket, drop the key". */
  tat: number
}

/** Milliseconds per token. */
export function emissionInterval (rule: BucketRule): number {
  return rule.periodMs / rule.rate
}

/** Throws `InvalidOptionsError` unless the rule describes a bucket that can ever hand out a token. */
export function validateRule (rule: BucketRule, what = 'rate limit'): BucketRule {
  const { rate, periodMs, burst } = rule
  if (!(Number.isFinite(rate) && rate > 0)) throw new InvalidOptionsError(`${what}: rate must be a positive number, got ${rate}`)
  if (!(Number.isFinite(periodMs) && periodMs > 0)) throw new InvalidOptionsError(`${what}: periodMs must be a positive number, got ${periodMs}`)
  if (!(Number.isFinite(burst) && burst >= 1)) throw new InvalidOptionsError(`${what}: burst must be at least 1, got ${burst}`)
  return rule
}

/**
 * Reads a decision off a TAT: `ok` with the TAT after the take, or a refusal with the TAT as it
 * stays. The Redis store uses it on what its script returns, so both stores word answers alike.
 */
export function decisionAt (ok: boolean, tat: number, now: number, cost: number, rule: BucketRule): Decision {
  const t = emissionInterval(rule)
  const inUse = Math.max(0, tat - now)
  const resetMs = Math.max(0, Math.ceil(inUse - EPSILON))
  if (ok) {
    const remaining = Math.max(0, Math.floor((rule.burst * t - inUse) / t + 1e-9))
    return { ok: true, remaining, resetMs }
  }
  if (cost > rule.burst) return { ok: false, retryAfterMs: Infinity, remaining: 0, resetMs }
  const wait = inUse + cost * t - rule.burst * t
  return { ok: false, retryAfterMs: Math.max(1, Math.ceil(wait - EPSILON)), remaining: 0, resetMs }
}

/**
 * gcraTake without allocating: writes the decision into `out` and returns the TAT to store (or
 * `base` unchanged on a refusal). Same numbers as gcraTake; for a synchronous store's hot path.
 */
export function gcraTakeInto (
  tat: number | undefined, now: number, cost: number, rule: BucketRule, out: DecisionOut
): number {
  const t = rule.periodMs / rule.rate
  const base = tat === undefined || tat < now ? now : tat
  const next = base + cost * t
  const ok = cost <= rule.burst && next - now <= rule.burst * t + EPSILON
  const tatAfter = ok ? next : base
  const inUse = Math.max(0, tatAfter - now)
  out.ok = ok
  out.resetMs = Math.max(0, Math.ceil(inUse - EPSILON))
  if (ok) {
    out.remaining = Math.max(0, Math.floor((rule.burst * t - inUse) / t + 1e-9))
    out.retryAfterMs = 0
  } else {
    out.remaining = 0
    const wait = inUse + cost * t - rule.burst * t
    out.retryAfterMs = cost > rule.burst ? Infinity : Math.max(1, Math.ceil(wait - EPSILON))
  }
  return tatAfter
}

/** Takes `cost` tokens from a bucket whose stored TAT is `tat` (undefined: never seen, so full). */
export function gcraTake (tat: number | undefined, now: number, cost: number, rule: BucketRule): TakeResult {
  const base = tat === undefined || tat < now ? now : tat
  const next = base + cost * emissionInterval(rule)
  const ok = cost <= rule.burst && next - now <= rule.burst * emissionInterval(rule) + EPSILON
  const tatAfter = ok ? next : base
  return { decision: decisionAt(ok, tatAfter, now, cost, rule), tat: tatAfter }
}

/** Gives `cost` tokens back: moves TAT earlier, never before `now` (a bucket holds at most `burst`). */
export function gcraRefund (tat: number | undefined, now: number, cost: number, rule: BucketRule): number {
  if (tat === undefined) return now
  return Math.max(now, tat - cost * emissionInterval(rule))
}

/**
 * Empties the bucket so the next token is due `forMs` from now; it then refills at the normal rate.
 * An existing longer wait is kept: a pause never hands out tokens.
 */
export function gcraPause (tat: number | undefined, now: number, forMs: number, rule: BucketRule): number {
  const paused = now + forMs + (rule.burst - 1) * emissionInterval(rule)
  return Math.max(tat ?? now, paused)
}

/**
 * gcraTake for delay mode: a take that would overflow the bucket by at most `maxDelayMs` worth of
 * intervals is admitted late instead of refused. Its TAT is written now, so the slot is reserved
 * (later takes queue behind it) and `delayMs` says how long the caller waits for it.
 */
export function gcraReserve (
  tat: number | undefined, now: number, cost: number, rule: BucketRule, maxDelayMs: number
): TakeResult {
  const t = emissionInterval(rule)
  const base = tat === undefined || tat < now ? now : tat
  const next = base + cost * t
  const late = next - now - rule.burst * t
  const inTime = late > EPSILON && late <= maxDelayMs + EPSILON
  if (maxDelayMs <= 0 || cost > rule.burst || !inTime) return gcraTake(tat, now, cost, rule)
  return {
    decision: {
      ok: true, remaining: 0, resetMs: Math.ceil(next - now - EPSILON), delayMs: Math.max(1, Math.ceil(late - EPSILON)),
    },
    tat: next,
  }
}

/** Where a bucket stands, changing nothing: whole tokens left, ms until full again. */
export function gcraPeek (tat: number | undefined, now: number, rule: BucketRule): Usage {
  const t = emissionInterval(rule)
  const inUse = Math.max(0, (tat ?? now) - now)
  return {
    remaining: Math.max(0, Math.floor((rule.burst * t - inUse) / t + 1e-9)),
    resetMs: Math.max(0, Math.ceil(inUse - EPSILON)),
  }
}
