// An upstream's `retry` block, compiled once: the core retry policy (the dispatcher's own, with its
// budget and full-jitter backoff) told what a gateway attempt's failures mean, plus the two per-request
// questions the upstream asks before its first attempt: may this request be resent after it reached
// a target, and how much of its body to keep for that.
//
// A request may be resent after it reached a target when its method is in `methods` or it carries an
// Idempotency-Key (the client vouches that a repeat is harmless). Any request may be resent after a
// connect failure: no connection, nothing sent. A body is kept (read in full before the first attempt)
// only when a resend after sending could happen at all, so plain POSTs and connect-failure-only
// upstreams stream as before.
//
// Retries and the retries not made are reported here: sluice_upstream_retries_total by what failed,
// sluice_upstream_retries_abandoned_total by what stopped the retry (`attempts` running out is the
// configured end, not an abandonment), and a warning for a body too large to keep, the case that
// otherwise goes unnoticed until someone wonders why a retry never happened.

import type { Clock, Random } from '../../core/clock.js'
import { parseDuration, parseSize } from '../../core/duration.js'
import type { RetryConfig } from '../../config/schema/upstream-retry.js'
import { createRetryPolicy } from '../../core/retry.js'
import type { ErrorVerdict, GiveUpEvent, RetryEvent, RetryPolicy } from '../../core/retry.js'
import type { Logger } from '../../observability/logger.js'
import type { Metrics } from '../../observability/metrics.js'
import type { Exchange, ResponseHead } from '../contract.js'
import { attemptFailure } from './failure.js'
import type { AttemptFailure } from './failure.js'
import type { UpstreamCall } from './call.js'

export type RetryReason = AttemptFailure | 502 | 503 | 504

export interface UpstreamRetryOptions {
  attempts: number
  on: readonly RetryReason[]
  backoff: { baseMs: number, maxMs: number }
  budget: { ratio: number, minPerSecond: number }
  methods: readonly string[]
  /** Bodies with a Content-Length up to this are kept for a resend; 0 keeps none. */
  bufferBodyBytes: number
}

export interface UpstreamRetryDeps {
  clock: Clock
  random: Random
  metrics: Metrics
  logger: Logger
}

/** The budget's window: long enough to smooth bursts, short enough to follow a change in traffic. */
const BUDGET_WINDOW_MS = 10_000

/** Give-up reasons of the core policy, as the abandoned counter names them. */
const ABANDONED: Readonly<Record<string, string>> = { 'non-idempotent': 'method', body: 'body', budget: 'budget', deadline: 'deadline' }

export class UpstreamRetry {
  readonly policy: RetryPolicy<UpstreamCall>
  /** False for `attempts: 1`: the upstream then leaves the policy out (no promise per request). */
  readonly retries: boolean
  readonly #methods: ReadonlySet<string>
  readonly #bufferBytes: number

  constructor (upstream: string, opts: UpstreamRetryOptions, deps: UpstreamRetryDeps) {
    const on = new Set<RetryReason>(opts.on)
    const verdicts = new Map<AttemptFailure, ErrorVerdict>()
    for (const f of ['connect-failure', 'reset', 'timeout'] as const) {
      if (on.has(f)) verdicts.set(f, Object.freeze({ reason: f, unsent: f === 'connect-failure' }))
    }
    this.#methods = new Set(opts.methods)
    this.retries = opts.attempts > 1
    // Only a failure after sending needs the body again: a refused connection never read it.
    const resendsAfterSending = opts.attempts > 1 && [...on].some(r => r !== 'connect-failure')
    this.#bufferBytes = resendsAfterSending ? opts.bufferBodyBytes : 0
    this.policy = createRetryPolicy<UpstreamCall>({
      attempts: opts.attempts,
      baseDelayMs: opts.backoff.baseMs,
      maxDelayMs: opts.backoff.maxMs,
      retryOnStatus: opts.on.filter((r): r is 502 | 503 | 504 => typeof r === 'number'),
      methods: opts.methods,
      classifyError: (err) => {
        const f = attemptFailure(err)
        return f === undefined ? undefined : verdicts.get(f)
      },
      budget: { ...opts.budget, windowMs: BUDGET_WINDOW_MS },
      // The dropped response's body is not wanted: cut it rather than read it.
      discard: (head) => { (head as ResponseHead).stream?.abort() },
    }, { clock: deps.clock, random: deps.random })

    const retries = deps.metrics.upstreamRetries
    const abandoned = deps.metrics.upstreamRetriesAbandoned
    this.policy.onRetry.on((e: RetryEvent<UpstreamCall>) => {
      retries.inc({ upstream, reason: metricReason(e.reason) })
      e.meta.ctx.flag('RT')
    })
    this.policy.onGiveUp.on((e: GiveUpEvent<UpstreamCall>) => {
      const reason = ABANDONED[e.reason]
      if (reason === undefined) return
      abandoned.inc({ upstream, reason })
      const ctx = e.meta.ctx
      const fields = { reqId: ctx.id, upstream, reason, failure: metricReason(e.failure), attempts: e.attempts }
      if (reason === 'body') {
        ctx.log.warn(fields, 'retry abandoned: the request body streamed through unbuffered (larger than retry.bufferBody, or chunked)')
      } else {
        ctx.log.debug(fields, 'retry abandoned')
      }
    })
  }

  /** True when `ctx` may be sent again after it reached a target. */
  resendable (ctx: Exchange): boolean {
    return this.#methods.has(ctx.method) || ctx.req.headers['idempotency-key'] !== undefined
  }

  /** Bytes of `ctx`'s body worth keeping for a resend: 0 when no resend could use them. */
  replayBytes (ctx: Exchange): number {
    return this.#bufferBytes > 0 && this.resendable(ctx) ? this.#bufferBytes : 0
  }
}

/** The options of a loaded (schema-valid, defaulted) `retry` block. */
export function retryOptions (rc: RetryConfig): UpstreamRetryOptions {
  return {
    attempts: rc.attempts,
    on: rc.on,
    backoff: { baseMs: parseDuration(rc.backoff.base), maxMs: parseDuration(rc.backoff.max) },
    budget: { ratio: rc.budget.ratio, minPerSecond: rc.budget.minPerSecond },
    methods: rc.methods,
    bufferBodyBytes: parseSize(rc.bufferBody),
  }
}

/** `status 503` → `503`; error verdicts are already the config's words. */
function metricReason (reason: string): string {
  return reason.startsWith('status ') ? reason.slice(7) : reason
}
