// One supplier: its transport (undici Pool, `connections = maxConcurrent`), its policy stack
// wrap(retry, breaker, scheduler, timeout), its cache and its counters. Retry is outermost so a
// retry queues for a token and a slot like any call; the breaker sits outside the gate so an open
// circuit fails fast instead of queueing.

import type { Clock, Random } from '../core/clock.js'
import type { LimiterStore } from '../core/limiter/limiter.js'
import { chain } from '../core/policy.js'
import type { Policy, PolicyContext } from '../core/policy.js'
import { createRetryPolicy } from '../core/retry.js'
import type { RetryPolicy } from '../core/retry.js'
import { createCircuitBreaker } from '../core/breaker/breaker.js'
import type { CircuitBreaker } from '../core/breaker/breaker.js'
import { createTimeoutPolicy, watchAttempt } from '../core/timeout.js'
import type { AttemptWatcher, SettleObserver } from '../core/timeout.js'
import { UpstreamTimeoutError } from '../errors.js'
import { createResponseCache } from './cache.js'
import type { ResponseCache } from './cache.js'
import { mayAnnouncePause, pauseFromResponse } from './feedback.js'
import type { SupplierConfig } from './options.js'
import type { AttemptResult } from './response.js'
import { createScheduler } from './scheduler.js'
import type { Scheduler } from './scheduler.js'
import { SupplierStats } from './stats.js'
import type { Transport, SupplierTransport, TransportRequest } from './transport.js'

export interface Supplier {
  readonly config: SupplierConfig
  readonly scheduler: Scheduler
  readonly retry: RetryPolicy | undefined
  readonly breaker: CircuitBreaker | undefined
  readonly cache: ResponseCache | undefined
  readonly transport: SupplierTransport
  readonly stats: SupplierStats
  /** Runs one call through the whole policy stack; `pc.meta.attempts` counts what was sent. */
  run (req: Omit<TransportRequest, 'signal'>, pc: PolicyContext): Promise<AttemptResult>
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
  /** The dispatcher's shutdown signal (see SchedulerDeps.sharedSignal). */
  shutdownSignal?: AbortSignal
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
  }, { clock, store: deps.store, sharedSignal: deps.shutdownSignal })
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
  const timeout = createTimeoutPolicy(config.requestTimeoutMs || Infinity, {
    clock,
    onTimeout: () => new UpstreamTimeoutError(config.origin, config.requestTimeoutMs),
  })
  const gates: Policy[] = []
  if (breaker !== undefined) gates.push(breaker)
  gates.push(scheduler, timeout)
  const cache = config.cache === undefined ? undefined : createResponseCache(config.cache, { clock })

  // One attempt. The same function serves every call (the request rides in `meta.send`), so the
  // policy chain around it is bound once instead of per call.
  function attempt (apc: PolicyContext): Promise<AttemptResult> {
    const meta = apc.meta
    meta.attempts = (meta.attempts as number | undefined ?? 0) + 1
    return transport.request(new AttemptRequest(meta.send as SendRequest, apc)).then(answered)
  }
  function answered (res: AttemptResult): AttemptResult | Promise<AttemptResult> {
    supplier.onAttempt?.(res)
    if (!mayAnnouncePause(res.status, res.headers)) return res
    const pauseMs = pauseFromResponse(res.status, res.headers, clock.wallNow(), config.feedback)
    if (pauseMs === undefined) return res
    return scheduler.pause(pauseMs).then(() => res, () => res)
  }
  // breaker → scheduler → timeout as policies: a retry that must queue for its slot and token.
  const gated = chain(gates, attempt)
  // The same three for an attempt that holds its reservation (every first attempt): the breaker
  // admits it, the scheduler's slot is claimed, and the timeout tells one observer the outcome,
  // which the breaker records and whose slot it frees, so the three cost one promise reaction.
  const settled: SettleObserver = {
    attemptSettled (pc, ok, outcome) {
      const now = clock.now()
      breaker?.settle(pc.meta.ticket as number, ok, outcome, pc.signal, now)
      scheduler.release(now)
    },
  }
  function guarded (pc: PolicyContext): Promise<AttemptResult> {
    // Checked before the breaker admits: a refused call's reservation is given back by its owner.
    if (pc.meta.reserved !== true) return gated(pc)
    if (breaker !== undefined) {
      try {
        pc.meta.ticket = breaker.admit()
      } catch (err) {
        return Promise.reject(err)
      }
    }
    scheduler.claim(pc)
    return timeout.execute(attempt, pc, settled)
  }
  const run = retry === undefined ? guarded : chain([retry], guarded)

  const supplier: Supplier = {
    config,
    scheduler,
    retry,
    breaker,
    cache,
    transport,
    stats,
    run (req, pc) {
      pc.meta.send = req
      return run(pc)
    },
  }
  return supplier
}

type SendRequest = Omit<TransportRequest, 'signal'>

/**
 * The signal is read through a prototype getter: the timeout policy only makes an AbortController
 * for an attempt whose signal is looked at, and a transport that never looks (a stub) costs none.
 */
class AttemptRequest implements TransportRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: Buffer | string | undefined
  readonly #pc: PolicyContext

  constructor (send: SendRequest, pc: PolicyContext) {
    this.method = send.method
    this.path = send.path
    this.headers = send.headers
    this.body = send.body
    this.#pc = pc
  }

  get signal (): AbortSignal { return this.#pc.signal }

  watch (watcher: AttemptWatcher): boolean { return watchAttempt(this.#pc, watcher) }
}
