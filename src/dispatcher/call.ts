// One `dispatcher.request()` from start to answer. A call waits for its turn outside the policy
// chain, held by one scheduler Waiter (Scheduler.reserve), so thousands of queued calls hold no
// suspended retry or breaker frames; once a slot and a token are held it runs the supplier's one
// chain retry → breaker → scheduler (uses what is held) → attempt, like every retry.
//
// Each call has its own cancellation (CallContext): the caller's signal (signal-links.ts) and the
// call's deadline (deadlines.ts) are linked to it by entries removed when the call ends, and
// close() cuts the live calls the dispatcher lists. Nothing long-lived (the dispatcher's lifetime)
// points at a call that has ended, so a finished call is garbage at once. A call cut while it
// waits for its turn withdraws its waiter from the scheduler itself: the queue keeps no listener
// and no timer per waiting call.

import type { Clock, TimerHandle } from '../core/clock.js'
import { withResolvers } from '../core/resolvers.js'
import { AbortedError, QueueTimeoutError, ShuttingDownError, SluiceError, UpstreamTimeoutError } from '../errors.js'
import { cacheKey } from './cache.js'
import { CallContext } from './call-context.js'
import { CallState } from './call-state.js'
import type { Prepared } from './request.js'
import { DispatchedResponse } from './response.js'
import type { AttemptResult, DispatchResponse } from './response.js'
import type { Deadlines, Expirable } from './deadlines.js'
import type { Cuttable, SignalLinks } from './signal-links.js'
import type { Supplier } from './supplier.js'
import type { Admittee, Waiter } from './waiter.js'

/** How a call ended, besides its answer or error. */
export type CallFacts = Pick<DispatchResponse, 'attempts' | 'queuedMs' | 'fromCache' | 'durationMs'>

/** What a call needs from its dispatcher. */
export interface CallHost {
  readonly clock: Clock
  /** Settles once the store can answer; undefined once it can. */
  storeReady (): Promise<void> | undefined
  /** A call started / ended: the dispatcher keeps the live ones (drain, keep-alive, close). */
  enter (c: Call): void
  leave (c: Call): void
  /** Links callers' signals to their calls (one listener per signal). */
  readonly signals: SignalLinks
  /** Keeps calls' whole-call deadlines (one timer per distinct timeout). */
  readonly deadlines: Deadlines
  finish (s: Supplier, res: AttemptResult | undefined, err: unknown, facts: CallFacts): void
}

export class Call implements Admittee, Cuttable, Expirable {
  /** Its index in the dispatcher's list of live calls, and in its caller signal's (SlotList). */
  liveIndex = -1
  linkIndex = -1
  readonly #host: CallHost
  readonly #s: Supplier
  readonly #pc: CallContext
  readonly #started: number
  readonly #resolve: (res: DispatchResponse) => void
  readonly #reject: (err: unknown) => void
  /** Its place in the scheduler's queue while it waits for its turn. */
  #waiting: Waiter | undefined = undefined
  #deadline: TimerHandle | undefined = undefined
  #callerSignal: AbortSignal | undefined = undefined

  /** Starts a call; its answer. */
  static start (
    host: CallHost, s: Supplier, prepared: Prepared, callerSignal: AbortSignal | undefined, started: number
  ): Promise<DispatchResponse> {
    const { promise, resolve, reject } = withResolvers<DispatchResponse>()
    // eslint-disable-next-line no-new -- the call lives on through the host's live set and its callbacks
    new Call(host, s, prepared, callerSignal, started, resolve, reject)
    return promise
  }

  private constructor (
    host: CallHost, s: Supplier, prepared: Prepared, callerSignal: AbortSignal | undefined, started: number,
    resolve: (res: DispatchResponse) => void, reject: (err: unknown) => void
  ) {
    this.#host = host
    this.#s = s
    this.#started = started
    this.#resolve = resolve
    this.#reject = reject
    this.#pc = new CallContext(prepared.meta)
    if (callerSignal !== undefined) {
      this.#callerSignal = callerSignal
      host.signals.link(callerSignal, this)
    }
    const { timeoutMs } = prepared
    if (timeoutMs !== undefined && !this.#pc.isCut) this.#deadline = host.deadlines.start(timeoutMs, this)
    host.enter(this)
    const ready = host.storeReady()
    if (ready === undefined) this.#go()
    else ready.then(() => this.#go(), () => this.#go())
  }

  /** Cuts the call wherever it is (queued, running, backing off): its deadline, its caller, close(). */
  abort (reason: unknown): void {
    if (!this.#pc.cut(reason)) return
    const w = this.#waiting
    if (w !== undefined) this.#s.scheduler.withdraw(w, reason)
  }

  expire (ms: number): void {
    // Still waiting for its turn: a queue timeout. Said here, where the call knows it, rather than
    // found by comparing the clock with the deadline: a host timer may fire up to 1 ms early.
    const name = this.#s.config.name
    this.abort(this.#waiting !== undefined ? new QueueTimeoutError(name) : new UpstreamTimeoutError(name, ms))
  }

  admitted (): void {
    this.#waiting = undefined
    this.#s.run(this.#pc).then(res => this.#answered(res), err => this.#fail(err))
  }

  refused (err: unknown): void {
    this.#waiting = undefined
    this.#fail(err)
  }

  #go (): void {
    const s = this.#s
    const pc = this.#pc
    if (s.cache !== undefined && pc.meta.method === 'GET') {
      this.#viaCache().then(r => this.#ok(r.res, r.fromCache), err => this.#fail(err))
      return
    }
    try {
      if (pc.isCut) throw pc.reason
      // The breaker is asked before queueing, as its place outside the gate means: an open
      // circuit fails at once instead of after a wait. It decides again when the call runs.
      s.breaker?.check()
      this.#waiting = s.scheduler.reserve(pc.meta, this)
    } catch (err) {
      this.#fail(err)
      return
    }
    if (this.#waiting === undefined) this.admitted()
  }

  #answered (res: AttemptResult): void {
    this.#s.stats.queueWait.add(this.#pc.meta.queuedMs)
    this.#ok(res, false)
  }

  /**
   * The call that sends the request identical in-flight GETs share. The shared flight carries no
   * deadline: each caller waits on it under its own (a follower must not fail at its leader's), and
   * the flight is cut when the last caller leaves.
   */
  async #leader (signal: AbortSignal): Promise<AttemptResult> {
    const meta = this.#pc.meta
    const { method, path, headers, body, idempotent, priority } = meta
    const flight = new CallState(method, path, headers, body, idempotent, priority, undefined)
    try {
      const res = await this.#s.run({ signal, attempt: 1, meta: flight })
      this.#s.stats.queueWait.add(flight.queuedMs)
      return res
    } finally {
      meta.attempts = flight.attempts
      meta.queuedMs = flight.queuedMs
    }
  }

  async #viaCache (): Promise<{ res: AttemptResult, fromCache: boolean }> {
    const s = this.#s
    const cache = s.cache!
    const req = this.#pc.meta
    const key = cacheKey(s.config.name, req.path, req.headers)
    const hit = cache.get(key)
    if (hit !== undefined) return { res: hit, fromCache: true }
    // Only GETs of one priority share a flight: a follower never waits at a lower priority than its own.
    const flightKey = `${req.priority}\n${key}`
    const { value, shared } = await cache.coalesce(flightKey, this.#pc.signal, sig => this.#leader(sig))
    if (!shared) cache.set(key, value)
    return { res: value, fromCache: shared }
  }

  #ok (res: AttemptResult, fromCache: boolean): void {
    const s = this.#s
    const meta = this.#pc.meta
    s.scheduler.unreserve(meta)
    const r = new DispatchedResponse(res, fromCache ? 0 : meta.attempts, fromCache ? 0 : meta.queuedMs,
      fromCache, this.#host.clock.now() - this.#started)
    this.#host.finish(s, res, undefined, r)
    this.#resolve(r)
    this.#end()
  }

  #fail (err: unknown): void {
    const s = this.#s
    const pc = this.#pc
    const meta = pc.meta
    s.scheduler.unreserve(meta)
    const host = this.#host
    // An attempt or a backoff cut by close() reports the shutdown, not a bare abort.
    const closed = pc.isCut && pc.reason instanceof ShuttingDownError
    const e = closed && (!SluiceError.is(err) || err.code === AbortedError.code)
      ? new ShuttingDownError({ cause: err })
      : err
    host.finish(s, undefined, e, {
      attempts: meta.attempts, queuedMs: meta.queuedMs, fromCache: false, durationMs: host.clock.now() - this.#started,
    })
    this.#reject(e)
    this.#end()
  }

  #end (): void {
    this.#deadline?.cancel()
    if (this.#callerSignal !== undefined) this.#host.signals.unlink(this.#callerSignal, this)
    this.#host.leave(this)
  }
}
