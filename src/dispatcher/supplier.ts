// One supplier: its transport (undici Pool, `connections = maxConcurrent`), its policy chain
// retry → breaker → scheduler → attempt, its cache and its counters. Retry is outermost so a retry
// queues for a token and a slot like any call; the breaker sits outside the gate so an open circuit
// fails fast instead of queueing; the attempt keeps its own timeout (attempt.ts says why). Every
// attempt, first or retry, runs through this one chain, bound once: the call's request and
// counters ride in its payload (CallState).

import type { Clock, Random } from '../core/clock.js'
import type { LimiterStore } from '../core/limiter/limiter.js'
import { chain } from '../core/policy.js'
import type { Policy, PolicyContext } from '../core/policy.js'
import { createRetryPolicy } from '../core/retry.js'
import type { RetryPolicy } from '../core/retry.js'
import { createCircuitBreaker } from '../core/breaker/breaker.js'
import type { CircuitBreaker } from '../core/breaker/breaker.js'
import { Attempt } from './attempt.js'
import type { AttemptSupplier } from './attempt.js'
import { createResponseCache } from './cache.js'
import type { ResponseCache } from './cache.js'
import type { CallState } from './call-state.js'
import { Deadlines } from './deadlines.js'
import { mayAnnouncePause, pauseFromResponse } from './feedback.js'
import type { SupplierConfig } from './options.js'
import type { AttemptResult } from './response.js'
import { createScheduler } from './scheduler.js'
import type { Scheduler } from './scheduler.js'
import { SupplierStats } from './stats.js'
import type { Transport, SupplierTransport } from './transport.js'

export interface Supplier {
  readonly config: SupplierConfig
  readonly scheduler: Scheduler
  readonly retry: RetryPolicy | undefined
  readonly breaker: CircuitBreaker | undefined
  readonly cache: ResponseCache | undefined
  readonly transport: SupplierTransport
  readonly stats: SupplierStats
  /**
   * Runs one call through the whole chain; `pc.meta.attempts` counts what was sent. A call that
   * holds a reservation (Scheduler.reserve) uses it on its first pass instead of queueing again.
   */
  run (pc: PolicyContext<CallState>): Promise<AttemptResult>
  /** Called for every attempt's answer (429 counting is the dispatcher's business). */
  onAttempt?: (res: AttemptResult) => void
}

export interface SupplierDeps {
  clock: Clock
  random: Random
  store: LimiterStore
  transport: Transport
  /** Bucket key prefix: the same supplier name in several processes shares one bucket. */
  keyPrefix?: string
}

export function createSupplier (config: SupplierConfig, deps: SupplierDeps): Supplier {
  const { clock } = deps
  const stats = new SupplierStats()
  const transport = deps.transport(config)
  const scheduler = createScheduler({
    name: config.name,
    key: `${deps.keyPrefix ?? 'dispatcher'}:${config.name}`,
    rule: config.rule,
    maxConcurrent: config.maxConcurrent,
    maxQueue: config.queue.maxSize,
    agingAfterMs: config.queue.agingAfterMs,
  }, { clock, store: deps.store })
  const r = config.retry
  const retry = r === undefined
    ? undefined
    : createRetryPolicy({
      attempts: r.attempts,
      baseDelayMs: r.baseDelayMs,
      maxDelayMs: r.maxDelayMs,
      retryOnStatus: [...r.statuses],
      retryNonIdempotent: r.retryNonIdempotent,
      budget: { ratio: r.budget, minPerSecond: r.minRetriesPerSecond, windowMs: 10_000 },
    }, { clock, random: deps.random })
  const b = config.breaker
  // A 429 says "slow down", not "unhealthy": feedback pauses the bucket for it, so it does not count here.
  const breaker = b === undefined
    ? undefined
    : createCircuitBreaker({
      name: config.name,
      failureRatio: b.failureRatio,
      minimumRequests: b.minimumRequests,
      windowMs: b.windowMs,
      openForMs: b.openForMs,
      consecutiveFailures: b.consecutiveFailures,
      halfOpenRequests: b.halfOpenRequests,
      failureStatuses: [500, 502, 503, 504],
    }, { clock })
  const policies: Policy<CallState>[] = []
  if (retry !== undefined) policies.push(retry)
  if (breaker !== undefined) policies.push(breaker)
  const sends: AttemptSupplier = {
    transport,
    deadlines: new Deadlines(clock),
    origin: config.origin,
    requestTimeoutMs: config.requestTimeoutMs,
    answered,
  }
  const cache = config.cache === undefined ? undefined : createResponseCache(config.cache, { clock })

  // One attempt. The same function serves every call (the request rides in the payload), so the
  // policy chain around it is bound once instead of per call. The scheduler, the chain's last
  // policy, hands the attempt its slot to free (Scheduler.gate): no promise reaction of its own.
  function attempt (apc: PolicyContext<CallState>, release: () => void): Promise<AttemptResult> {
    const n = ++apc.meta.attempts
    const trace = apc.meta.trace
    if (trace === undefined) return new Attempt(apc, sends, release).promise
    const span = trace.attempt(n)
    const p = new Attempt(apc, sends, release, span.headers).promise
    p.then(res => { span.end(res.status) }, err => { span.end(undefined, err) })
    return p
  }
  const gated = (pc: PolicyContext<CallState>): Promise<AttemptResult> => scheduler.gate(attempt, pc)
  function answered (res: AttemptResult): AttemptResult | Promise<AttemptResult> {
    supplier.onAttempt?.(res)
    if (!mayAnnouncePause(res.status, res.headers)) return res
    const pauseMs = pauseFromResponse(res.status, res.headers, clock.wallNow(), config.feedback)
    if (pauseMs === undefined) return res
    return scheduler.pause(pauseMs).then(() => res, () => res)
  }

  const supplier: Supplier = {
    config,
    scheduler,
    retry,
    breaker,
    cache,
    transport,
    stats,
    run: chain(policies, gated),
  }
  return supplier
}
