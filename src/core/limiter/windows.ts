// Window counters, the alternatives to GCRA for the gateway's limits. Both count requests per
// window of `period` (period.ts: epoch- or calendar-aligned, on wall-clock time):
//
//   fixed-window    admitted while the current window's count stays within `limit`. Cheap and
//                   exact per window, but a client may spend one window's `limit` just before
//                   the boundary and the next one's just after: up to 2 × limit in a moment.
//   sliding-window  the weighted two-window counter: the previous window's count, weighted by how
//                   much of it the sliding window still covers, plus the current count.
//
//        previous window         current window
//   |━━━━━━━━ prev ━━━━━━━━|━━━━━━ cur ━━━━━|             estimate = prev × (1 − e) + cur
//              |◀────────── W ──────────▶|                e = elapsed fraction of the current window
//                        sliding window ending now
//
//   Right after a boundary the previous window still weighs fully, so the burst that fixed windows
//   allow there is refused. The estimate assumes the previous window's requests were spread
//   evenly; it is an approximation, not a log of arrival times (which would cost `limit` numbers
//   per key in memory and in Redis). Its bound: any interval of length W that starts a fraction
//   a into a window admits at most limit × (1 + a) — 1.5 × limit for one centred on a boundary,
//   never 2 × limit — and a steady client sees exactly `limit` per W.
//
// Delay mode (`maxDelayMs` > 0) reserves a later slot instead of refusing: in the current window
// when the estimate will have decayed enough (sliding), or in the next window, whose reservations
// are counted in `next` and become `cur` when it starts. A reservation never reaches further than
// the next window. The Redis script repeats this arithmetic in Lua; keep the two in step.

import type { Decision, Usage, WindowRule } from './limiter.js'
import type { Period } from './period.js'
import { windowEnd, windowStart } from './period.js'

export type { WindowRule }

/** The counts around one window; `next` holds delay-mode reservations for the window after it. */
export interface WindowState {
  start: number
  prev: number
  cur: number
  next: number
}

export interface WindowResult {
  decision: Decision
  /** To store when the decision is ok (and the whole batch with it); unchanged on a refusal. */
  state: WindowState
  /** Wall time from which the state carries nothing (every count has run out): drop it then. */
  until: number
}

/** Float slack for the weighted estimate: 0.1 + 0.2 must still fit in a limit of 0.3. */
const SLACK = 1e-9

/** The state moved to the window starting at `start` (a stored state may be windows behind). */
export function rollTo (s: WindowState | undefined, period: Period, start: number): WindowState {
  if (s === undefined) return { start, prev: 0, cur: 0, next: 0 }
  if (s.start >= start) return { ...s }
  const end = windowEnd(period, s.start)
  if (end === start) return { start, prev: s.cur, cur: s.next, next: 0 }
  if (windowEnd(period, end) === start) return { start, prev: s.next, cur: 0, next: 0 }
  return { start, prev: 0, cur: 0, next: 0 }
}

/** When the state carries nothing any more: every count has left the (sliding) window. */
function untilOf (s: WindowState, rule: WindowRule, end: number, now: number): number {
  const after = windowEnd(rule.period, end)
  if (rule.algorithm === 'fixed-window') return s.next > 0 ? after : s.cur > 0 ? end : now
  const w = end - s.start
  return s.next > 0 ? after + w : s.cur > 0 ? end + w : s.prev > 0 ? end : now
}

/** One admission time a take could have, and the count it would be charged to. */
interface Slot { at: number, charge: 'cur' | 'next' | undefined }

/** Admission times in order: now, later in this window, in the next, and (refusal only) after. */
function slots (s: WindowState, rule: WindowRule, now: number, end: number, cost: number): Slot[] {
  const { limit } = rule
  const after = windowEnd(rule.period, end)
  if (rule.algorithm === 'fixed-window') {
    const out: Slot[] = []
    if (s.cur + cost <= limit) out.push({ at: now, charge: 'cur' })
    if (s.next + cost <= limit) out.push({ at: end, charge: 'next' })
    out.push({ at: after, charge: undefined })
    return out
  }
  const w = end - s.start
  const out: Slot[] = []
  if (s.prev * (1 - (now - s.start) / w) + s.cur + cost <= limit + SLACK) out.push({ at: now, charge: 'cur' })
  // The estimate falls to limit − cost when prev × (1 − e) = limit − cost − cur.
  if (s.cur + cost < limit) out.push({ at: Math.ceil(end - (limit - s.cur - cost) * w / s.prev), charge: 'cur' })
  // In the next window the estimate is cur × (1 − e) + next; reservations stop short of its end.
  if (s.cur === 0 ? s.next + cost <= limit : s.next + cost < limit) {
    const at = s.cur === 0 ? end : Math.ceil(after - (limit - s.next - cost) * w / s.cur)
    out.push({ at: Math.max(end, at), charge: 'next' })
  }
  const lead = s.next === 0 ? 0 : Math.max(0, Math.ceil(w - (limit - cost) * w / s.next))
  out.push({ at: after + lead, charge: undefined })
  return out
}

/** Remaining requests now, whole, as the estimate stands. */
function remainingOf (s: WindowState, rule: WindowRule, now: number, end: number): number {
  if (rule.algorithm === 'fixed-window') return Math.max(0, rule.limit - s.cur)
  const used = s.prev * (1 - (now - s.start) / (end - s.start)) + s.cur
  return Math.max(0, Math.floor(rule.limit - used + SLACK))
}

/** Where the counter stands at `now`, changing nothing: requests left and ms until fully restored. */
export function windowPeek (stored: WindowState | undefined, now: number, rule: WindowRule): Usage {
  const start = Math.max(windowStart(rule.period, now), stored?.start ?? -Infinity)
  const t = Math.max(now, start)
  const s = rollTo(stored, rule.period, start)
  const end = windowEnd(rule.period, start)
  return { remaining: remainingOf(s, rule, t, end), resetMs: Math.max(0, untilOf(s, rule, end, t) - t) }
}

/**
 * Takes `cost` from the window counter whose stored state is `stored` at wall time `now`: now,
 * or (within `maxDelayMs`) at a reserved later slot, with `delayMs` saying how long to wait.
 * An ok decision names the `window` it charged, for `windowRefund`.
 */
export function windowTake (
  stored: WindowState | undefined, now: number, cost: number, rule: WindowRule, maxDelayMs = 0
): WindowResult {
  // A wall clock stepped back stays in the newest window it has counted in.
  const start = Math.max(windowStart(rule.period, now), stored?.start ?? -Infinity)
  const t = Math.max(now, start)
  const s = rollTo(stored, rule.period, start)
  const end = windowEnd(rule.period, start)
  if (cost > rule.limit) {
    const until = untilOf(s, rule, end, t)
    const decision: Decision = { ok: false, retryAfterMs: Infinity, remaining: 0, resetMs: Math.max(0, until - t) }
    return { decision, state: s, until }
  }
  const options = slots(s, rule, t, end, cost)
  const chosen = options.find(o => o.charge !== undefined && o.at - t <= maxDelayMs)
  if (chosen === undefined) {
    const until = untilOf(s, rule, end, t)
    return {
      decision: {
        ok: false,
        retryAfterMs: Math.max(1, Math.ceil(options[0]!.at - t)),
        remaining: 0,
        resetMs: Math.max(0, until - t),
      },
      state: s,
      until,
    }
  }
  s[chosen.charge!] += cost
  const until = untilOf(s, rule, end, t)
  const delayMs = Math.ceil(chosen.at - t)
  return {
    decision: delayMs > 0
      ? { ok: true, remaining: 0, resetMs: Math.max(0, until - t), delayMs, window: chosen.charge === 'cur' ? start : end }
      : { ok: true, remaining: remainingOf(s, rule, t, end), resetMs: Math.max(0, until - t), window: start },
    state: s,
    until,
  }
}

/** Gives back `cost` charged to the window starting at `window` (a delayed request that left). */
export function windowRefund (
  stored: WindowState | undefined, now: number, window: number, cost: number, rule: WindowRule
): { state: WindowState, until: number } {
  const start = Math.max(windowStart(rule.period, now), stored?.start ?? -Infinity)
  const s = rollTo(stored, rule.period, start)
  const end = windowEnd(rule.period, start)
  if (window === start) s.cur = Math.max(0, s.cur - cost)
  else if (window === end) s.next = Math.max(0, s.next - cost)
  else if (windowEnd(rule.period, window) === start) s.prev = Math.max(0, s.prev - cost)
  return { state: s, until: untilOf(s, rule, end, Math.max(now, start)) }
}
