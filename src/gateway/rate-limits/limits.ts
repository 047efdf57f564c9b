// A configured limit compiled once: its rule (a token bucket or a window counter), what its headers
// advertise, and the identity its counters are stored under. The identity holds the limit's
// algorithm and numbers, so a reload that changes them starts fresh counters (the old ones expire
// by themselves) while an unchanged limit keeps its own.

import type { LimitRule } from '../../core/limiter/limiter.js'
import { validateRule } from '../../core/limiter/token-bucket.js'
import type { Period } from '../../core/limiter/period.js'
import { windowLength } from '../../core/limiter/period.js'
import { parseDuration, tryParseMonths } from '../../core/duration.js'
import type { Duration } from '../../core/duration.js'

export type Algorithm = 'gcra' | 'sliding-window' | 'fixed-window'

export interface LimitConfig {
  readonly name: string
  readonly requests: number
  readonly per: Duration
  readonly burst?: number | undefined
  readonly algorithm?: Algorithm | undefined
  readonly quota?: boolean | undefined
  readonly mode?: 'reject' | 'delay' | undefined
  readonly maxDelay?: Duration | undefined
}

export interface CompiledLimit {
  readonly name: string
  readonly rule: LimitRule
  readonly algorithm: Algorithm
  /** A quota: refusals are SLC_QUOTA_EXCEEDED. */
  readonly isQuota: boolean
  /** `q` of RateLimit-Policy. */
  readonly quota: number
  /** Delay mode's longest wait (0: reject mode). */
  readonly maxDelayMs: number
  /** Most requests the counter holds (a bucket's burst, a window's requests): used + remaining. */
  readonly capacity: number
  /** Part of every counter key of this limit: its name, algorithm and numbers. */
  readonly id: string
  /** `w` of RateLimit-Policy at wall time `wallMs` (a month's length varies). */
  windowS (wallMs: number): number
}

export function compileLimit (c: LimitConfig): CompiledLimit {
  const isQuota = c.quota === true
  const algorithm: Algorithm = c.algorithm ?? (isQuota ? 'fixed-window' : 'gcra')
  const months = tryParseMonths(c.per)
  const period: Period = months !== undefined ? { months } : { ms: parseDuration(c.per) }
  const maxDelayMs = c.mode === 'delay' && c.maxDelay !== undefined ? parseDuration(c.maxDelay) : 0
  const base = { name: c.name, algorithm, isQuota, quota: c.requests, maxDelayMs }
  const tag = `${c.name}:${algorithm}${isQuota ? ':quota' : ''}:${c.requests}/${months !== undefined ? `${months}mo` : period.ms}`
  if (algorithm === 'gcra') {
    const periodMs = period.ms!
    const rule = validateRule({ rate: c.requests, periodMs, burst: c.burst ?? c.requests }, `rate limit ${c.name}`)
    const windowS = Math.max(1, Math.round(periodMs / 1000))
    return { ...base, rule, capacity: rule.burst, id: `${tag}/${rule.burst}`, windowS: () => windowS }
  }
  return {
    ...base,
    rule: { algorithm, limit: c.requests, period },
    capacity: c.requests,
    id: tag,
    windowS: wall => Math.max(1, Math.round(windowLength(period, wall) / 1000)),
  }
}

export interface CompiledPlan {
  readonly name: string
  readonly limits: readonly CompiledLimit[]
}

export function compilePlans (
  plans: Readonly<Record<string, readonly LimitConfig[]>> | undefined
): ReadonlyMap<string, CompiledPlan> {
  return new Map(Object.entries(plans ?? {}).map(([name, ls]) => [name, { name, limits: ls.map(compileLimit) }]))
}

/** The counter key of a plan limit: the consumer's (`who`, keys.ts) wherever it calls from. */
export function planKey (plan: string, limit: CompiledLimit, who: string): string {
  return `p|${plan}|${limit.id}|${who}`
}
