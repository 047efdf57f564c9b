// One attempt on a supplier: the call's request through the transport, under the per-attempt
// timeout (`timeouts.request`). The timeout lives in the attempt, as the gateway's response
// timeout does, rather than in the core timeout policy: the transport then hears that the attempt
// was cut (time up, or the call cut by its caller, its deadline or close()) through `watch`,
// without an AbortSignal. Node 20 makes AbortSignals dear: two per attempt (the attempt's, linked
// to the call's) cost about 13 µs of CPU per request to a local supplier, a third more than all
// the rest (bench/dispatcher.ts, throughput). A transport that reads `signal` still gets one.
//
// The attempt settles on whichever comes first: the transport's answer, its deadline or the cut.
// It rejects at once on a cut even if the transport ignores it, since the call must end on time.
// Settling, it also does what the chain's inner end would otherwise do in promise reactions of
// their own: the supplier reads the answer (`answered`) and the scheduler's slot is freed
// (`release`, Scheduler.gate), so a plain call takes two microtask hops fewer.

import type { TimerHandle } from '../core/clock.js'
import type { PolicyContext } from '../core/policy.js'
import { UpstreamTimeoutError } from '../errors.js'
import { CallContext } from './call-context.js'
import type { CallState } from './call-state.js'
import type { Deadlines, Expirable } from './deadlines.js'
import type { AttemptResult } from './response.js'
import type { CutWatcher, SupplierTransport, TransportRequest } from './transport.js'

export interface AttemptSupplier {
  readonly transport: SupplierTransport
  readonly deadlines: Deadlines
  readonly origin: string
  /** 0: no per-attempt timeout. */
  readonly requestTimeoutMs: number
  /** What the supplier does with every answer (counts, feedback pauses) before the caller sees it. */
  answered (res: AttemptResult): AttemptResult | Promise<AttemptResult>
}

export class Attempt implements TransportRequest, Expirable, CutWatcher {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: Buffer | string | undefined
  readonly promise: Promise<AttemptResult>
  #resolve!: (res: AttemptResult) => void
  #reject!: (err: unknown) => void
  #settled = false
  #constructing = true
  readonly #release: () => void
  #cut: { reason: unknown } | undefined = undefined
  #ctrl: AbortController | undefined = undefined
  /** The transport's exchange, told of a cut (see TransportRequest.watch). */
  #watcher: CutWatcher | undefined = undefined
  #deadline: TimerHandle | undefined = undefined
  /** What the attempt follows for the call's cut: the call itself, or a signal (retries, shared GETs). */
  readonly #call: CallContext | undefined
  readonly #signal: AbortSignal | undefined
  readonly #s: AttemptSupplier

  /**
   * `release` frees the attempt's scheduler slot; it is called once, after `answered`. `headers`:
   * this attempt's own (a traced call's, with the attempt's traceparent) instead of the call's.
   */
  constructor (
    apc: PolicyContext<CallState>, s: AttemptSupplier, release: () => void, headers?: Record<string, string>
  ) {
    this.#s = s
    this.#release = release
    const req = apc.meta
    this.method = req.method
    this.path = req.path
    this.headers = headers ?? req.headers
    this.body = req.body
    this.promise = new Promise<AttemptResult>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    if (apc instanceof CallContext) {
      this.#call = apc
      apc.watch(this)
    } else {
      const signal = this.#signal = apc.signal
      if (signal.aborted) this.attemptCut(signal.reason)
      else signal.addEventListener('abort', this, { once: true })
    }
    if (s.requestTimeoutMs > 0 && !this.#settled) this.#deadline = s.deadlines.start(s.requestTimeoutMs, this)
    this.#constructing = false
    if (this.#settled) return
    let p: Promise<AttemptResult>
    try {
      p = s.transport.request(this)
    } catch (err) {
      p = Promise.reject(err)
    }
    p.then(res => this.#settle(res, undefined), err => this.#settle(undefined, err))
  }

  /** For a transport that follows a signal (a custom one); made only when read. */
  get signal (): AbortSignal {
    if (this.#ctrl === undefined) {
      this.#ctrl = new AbortController()
      if (this.#cut !== undefined) this.#ctrl.abort(this.#cut.reason)
    }
    return this.#ctrl.signal
  }

  watch (w: CutWatcher): boolean {
    if (this.#watcher !== undefined) return false
    if (this.#cut !== undefined) w.attemptCut(this.#cut.reason)
    else this.#watcher = w
    return true
  }

  expire (ms: number): void {
    this.#deadline = undefined
    this.attemptCut(new UpstreamTimeoutError(this.#s.origin, ms))
  }

  /** The call's signal aborted (EventListener object: no closure per attempt). */
  handleEvent (): void {
    this.attemptCut(this.#signal!.reason)
  }

  /** Cut: time up or the call cut. The transport is told; the attempt rejects at once. */
  attemptCut (reason: unknown): void {
    if (this.#settled) return
    this.#cut = { reason }
    this.#ctrl?.abort(reason)
    const w = this.#watcher
    this.#watcher = undefined
    w?.attemptCut(reason)
    this.#settle(undefined, reason)
  }

  #settle (res: AttemptResult | undefined, err: unknown): void {
    if (this.#settled) return
    this.#settled = true
    this.#deadline?.cancel()
    this.#call?.unwatch(this)
    this.#signal?.removeEventListener('abort', this)
    if (res === undefined) {
      // Cut before it was sent: freed a tick later, so the scheduler's pump, which may be starting
      // this very attempt, is never re-entered from inside itself.
      if (this.#constructing) queueMicrotask(this.#release)
      else this.#release()
      this.#reject(err)
      return
    }
    let out: AttemptResult | Promise<AttemptResult>
    try {
      out = this.#s.answered(res)
    } catch (e) {
      this.#release()
      this.#reject(e)
      return
    }
    if (out instanceof Promise) {
      // A pause (a 429's Retry-After) lands before the slot is freed: the next call must see it.
      out.then(r => { this.#release(); this.#resolve(r) }, e => { this.#release(); this.#reject(e) })
      return
    }
    this.#release()
    this.#resolve(out)
  }
}
