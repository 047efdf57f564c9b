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
  /**
   * Runs a call that holds its reservation (`meta.reserved`, from `scheduler.reserve`) through the
   * same stack as `run`, its first attempt without a promise of its own: the call hears the end of
   * the attempt through `attemptSettled`, which hands it to `settled`; then `done` or `failed`.
   */
  start (c: DirectCall): void
  settled (c: DirectCall, ok: boolean, outcome: unknown): void
  /** Called for every attempt's answer (429 counting is the dispatcher's business). */
  onAttempt?: (res: AttemptResult) => void
}

/** A call run by `Supplier.start`: its own policy context and its first attempt's observer. */
export interface DirectCall extends PolicyContext, SettleObserver {
  /** The call's final answer or error; `now`: a Clock reading taken as it came, if one was. */
  done (res: AttemptResult, now?: number): void
  failed (err: unknown, now?: number): void
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

  /** What the retry policy makes of a first attempt's outcome: the answer, or its own retries. */
  function conclude (c: DirectCall, ok: boolean, outcome: unknown, now: number): void {
    if (ok && (retry === undefined || retry.isFinal(outcome))) c.done(outcome as AttemptResult, now)
    else if (retry === undefined) c.failed(outcome, now)
    else retry.resume(gated, c, ok, outcome).then(res => c.done(res), err => c.failed(err))
  }

  function start (c: DirectCall): void {
    const meta = c.meta
    retry?.begin(c)
    if (breaker !== undefined) {
      try {
        meta.ticket = breaker.admit()
      } catch (err) {
        // Settled a tick later, as a rejected attempt: start may run inside the scheduler's pump.
        const p = retry === undefined ? Promise.reject(err) : retry.resume(gated, c, false, err)
        p.then(res => c.done(res as AttemptResult), e => c.failed(e))
        return
      }
    }
    scheduler.claim(c)
    const a = timeout.begin(c, c)
    meta.attempts = (meta.attempts as number) + 1
    let p: Promise<AttemptResult>
    try {
      p = transport.request(new AttemptRequest(meta.send as SendRequest, a))
    } catch (err) {
      p = Promise.reject(err)
    }
    // Closures over the attempt, not fields of the call: a call that waited in the queue is an
    // old-generation object, and whatever new object it points to survives every scavenge until
    // the next full GC, while these die young with the attempt.
    p.then(res => answeredFirst(a, res), err => timeout.end(a, false, err))
  }

  function answeredFirst (a: PolicyContext, res: AttemptResult): void {
    supplier.onAttempt?.(res)
    const pauseMs = mayAnnouncePause(res.status, res.headers)
      ? pauseFromResponse(res.status, res.headers, clock.wallNow(), config.feedback)
      : undefined
    if (pauseMs === undefined) {
      timeout.end(a, true, res)
      return
    }
    const end = (): void => timeout.end(a, true, res)
    scheduler.pause(pauseMs).then(end, end)
  }

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
    start,
    settled (c, ok, outcome) {
      const now = clock.now()
      breaker?.settle(c.meta.ticket as number, ok, outcome, c.signal, now)
      scheduler.release(now)
      conclude(c, ok, outcome, now)
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
