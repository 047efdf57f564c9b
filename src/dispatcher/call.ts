// One `dispatcher.request()` from start to answer. A call waits for its turn as this one object
// (the policy context, the scheduler's waiter and its queue node), not as a stack of suspended
// policy frames: thousands of queued calls then cost the heap little and the GC less. Once the
// scheduler has reserved a slot and a token, the supplier runs the call through its policies
// retry → breaker → scheduler (uses the reservation) → timeout → transport, the first attempt
// without a promise per policy (Supplier.start). A call that waited has been promoted to the old
// generation by then: nothing new is stored on it afterwards, since whatever it points to would
// survive every scavenge until the next full GC.

import type { Clock, TimerHandle } from '../core/clock.js'
import type { CallMeta, PolicyContext } from '../core/policy.js'
import { AbortedError, ShuttingDownError, SluiceError, UpstreamTimeoutError } from '../errors.js'
import { cacheKey } from './cache.js'
import type { Prepared } from './request.js'
import { DispatchedResponse } from './response.js'
import type { AttemptResult, DispatchResponse } from './response.js'
import type { DirectCall, Supplier } from './supplier.js'
import { WaiterBase } from './waiter.js'
import type { Admittee } from './waiter.js'

export interface Finished {
  readonly res: AttemptResult | undefined
  readonly err: unknown
  readonly attempts: number
  readonly queuedMs: number
  readonly fromCache: boolean
  readonly durationMs: number
}

/** What a call needs from its dispatcher. */
export interface CallHost {
  readonly clock: Clock
  readonly shutdown: AbortSignal
  /** Settles once the store can answer; undefined once it can. */
  storeReady (): Promise<void> | undefined
  /** A call started / ended: the dispatcher counts them for drain and keep-alive. */
  enter (): void
  leave (): void
  finish (s: Supplier, r: Finished): void
}

// A promise's resolving functions, taken without an executor closure per call (Node 20 has no
// Promise.withResolvers): the executor only parks them here for the constructor to pick up.
let parkedResolve: ((res: DispatchResponse) => void) | undefined
let parkedReject: ((err: unknown) => void) | undefined
function park (resolve: (res: DispatchResponse) => void, reject: (err: unknown) => void): void {
  parkedResolve = resolve
  parkedReject = reject
}

/**
 * How a failed call ended, built as it ends (an answered call's record is its response). A
 * short-lived object costs the GC less than the same fields on the call, which a burst of queued
 * calls carries for its whole wait.
 */
class Outcome implements Finished {
  constructor (
    readonly res: AttemptResult | undefined,
    readonly err: unknown,
    readonly attempts: number,
    readonly queuedMs: number,
    readonly fromCache: boolean,
    readonly durationMs: number
  ) {}
}

export class Call extends WaiterBase implements PolicyContext, Admittee, DirectCall {
  readonly meta: CallMeta
  readonly signal: AbortSignal
  readonly #host: CallHost
  readonly #s: Supplier
  // No field for the start time: it is `enqueuedAt`, which the queue sets to the same reading.
  #deadlineTimer: TimerHandle | undefined
  readonly #resolve: (res: DispatchResponse) => void
  readonly #reject: (err: unknown) => void

  /** Starts a call; its answer. The promise is not kept on the call: nothing reads it there. */
  static start (
    host: CallHost, s: Supplier, prepared: Prepared, callerSignal: AbortSignal | undefined, started: number
  ): Promise<DispatchResponse> {
    const promise = new Promise<DispatchResponse>(park)
    const resolve = parkedResolve!
    const reject = parkedReject!
    parkedResolve = parkedReject = undefined
    // eslint-disable-next-line no-new
    new Call(host, s, prepared, callerSignal, started, resolve, reject)
    return promise
  }

  private constructor (
    host: CallHost, s: Supplier, prepared: Prepared, callerSignal: AbortSignal | undefined, started: number,
    resolve: (res: DispatchResponse) => void, reject: (err: unknown) => void
  ) {
    super()
    this.#host = host
    this.#s = s
    this.meta = prepared.meta
    this.enqueuedAt = started
    const { timeoutMs } = prepared
    let deadline: AbortController | undefined
    if (timeoutMs !== undefined) {
      const c = deadline = new AbortController()
      const expire = (): void => c.abort(new UpstreamTimeoutError(s.config.name, timeoutMs))
      this.#deadlineTimer = host.clock.setTimeout(expire, timeoutMs)
    }
    // AbortSignal.any costs a few µs; most calls carry neither a signal nor a timeout.
    if (callerSignal === undefined && deadline === undefined) {
      this.signal = host.shutdown
    } else {
      const signals = [host.shutdown]
      if (callerSignal !== undefined) signals.push(callerSignal)
      if (deadline !== undefined) signals.push(deadline.signal)
      this.signal = AbortSignal.any(signals)
    }
    this.#resolve = resolve
    this.#reject = reject
    host.enter()
    const ready = host.storeReady()
    if (ready === undefined) this.#go()
    else ready.then(() => this.#go(), () => this.#go())
  }

  /** Its own first attempt's context: a getter, not a field, as a queued call's bytes count. */
  get attempt (): number { return 1 }
  /** Its own scheduler Admittee and policy context, likewise getters. */
  get to (): Admittee { return this }
  get pc (): PolicyContext { return this }

  #go (): void {
    const s = this.#s
    if (s.cache !== undefined && this.#sendReq().method === 'GET') {
      this.#viaCache().then(r => this.#ok(r.res, r.fromCache), err => this.#fail(err))
      return
    }
    try {
      // The breaker is asked before queueing, as its place outside the gate means: an open
      // circuit fails at once instead of after a wait. It decides again when the call runs.
      s.breaker?.check()
      if (!s.scheduler.reserve(this, this, this.enqueuedAt, this)) return
    } catch (err) {
      this.#fail(err)
      return
    }
    this.admitted()
  }

  admitted (): void {
    this.#s.start(this)
  }

  attemptSettled (_pc: PolicyContext, ok: boolean, outcome: unknown): void {
    this.#s.settled(this, ok, outcome)
  }

  done (res: AttemptResult, now?: number): void {
    this.#s.stats.queueWait.add(this.meta.queuedMs as number | undefined ?? 0)
    this.#ok(res, false, now)
  }

  failed (err: unknown, now?: number): void {
    this.#fail(err, now)
  }

  refused (err: unknown): void {
    this.#fail(err)
  }

  /** The call that sends the request identical in-flight GETs share. */
  async #leader (signal: AbortSignal): Promise<AttemptResult> {
    const res = await this.#s.run(this.#sendReq(), { signal, attempt: 1, meta: this.meta })
    this.#s.stats.queueWait.add(this.meta.queuedMs as number | undefined ?? 0)
    return res
  }

  async #viaCache (): Promise<{ res: AttemptResult, fromCache: boolean }> {
    const s = this.#s
    const cache = s.cache!
    const key = cacheKey(s.config.name, this.#sendReq().path, this.#sendReq().headers)
    const hit = cache.get(key)
    if (hit !== undefined) return { res: hit, fromCache: true }
    const { value, shared } = await cache.coalesce(key, this.signal, sig => this.#leader(sig))
    if (!shared) cache.set(key, value)
    return { res: value, fromCache: shared }
  }

  /** `now`: a Clock reading taken as the answer came, when one was (saves reading it again). */
  #ok (res: AttemptResult, fromCache: boolean, now = this.#host.clock.now()): void {
    this.#s.scheduler.unreserve(this)
    const meta = this.meta
    const r = new DispatchedResponse(res, fromCache ? 0 : meta.attempts as number,
      fromCache ? 0 : meta.queuedMs as number | undefined ?? 0, fromCache, now - this.enqueuedAt)
    this.#host.finish(this.#s, r)
    this.#resolve(r)
    this.#end()
  }

  #fail (err: unknown, now = this.#host.clock.now()): void {
    this.#s.scheduler.unreserve(this)
    const host = this.#host
    const e = host.shutdown.aborted && (!SluiceError.is(err) || err.code === AbortedError.code)
      ? new ShuttingDownError({ cause: err })
      : err
    const meta = this.meta
    host.finish(this.#s, new Outcome(undefined, e, meta.attempts as number,
      meta.queuedMs as number | undefined ?? 0, false, now - this.enqueuedAt))
    this.#reject(e)
    this.#end()
  }

  #sendReq (): Prepared['send'] { return this.meta.send as Prepared['send'] }

  #end (): void {
    this.#deadlineTimer?.cancel()
    this.#host.leave()
  }
}
