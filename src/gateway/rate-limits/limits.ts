// A configured limit compiled once: its bucket rule, what its headers advertise, and the identity
// its counters are stored under. The identity holds the limit's numbers, so a reload that changes
// them starts fresh counters (the old ones expire by themselves) while an unchanged limit keeps its own.

import type { BucketRule } from '../../core/limiter/limiter.js'
import { validateRule } from '../../core/limiter/token-bucket.js'
import { parseDuration } from '../../core/duration.js'
import type { Duration } from '../../core/duration.js'

export interface LimitConfig {
  readonly name: string
  readonly requests: number
  readonly per: Duration
  readonly burst?: number | undefined
}

export interface CompiledLimit {
  readonly name: string
  readonly rule: BucketRule
  /** `q` and `w` of RateLimit-Policy. */
  readonly quota: number
  readonly windowS: number
  /** Part of every counter key of this limit: its name and numbers. */
  readonly id: string
}

export function compileLimit (c: LimitConfig): CompiledLimit {
  const periodMs = parseDuration(c.per)
  const rule = validateRule({ rate: c.requests, periodMs, burst: c.burst ?? c.requests }, `rate limit ${c.name}`)
  return {
    name: c.name,
    rule,
    quota: c.requests,
    windowS: Math.max(1, Math.round(periodMs / 1000)),
    id: `${c.name}:${c.requests}/${periodMs}/${rule.burst}`,
  }
}
