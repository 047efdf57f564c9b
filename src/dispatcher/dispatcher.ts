// The public face of the outbound dispatcher: one object holding a Supplier per configured name.

import { systemClock } from '../core/clock.js'
import type { Clock, TimerHandle } from '../core/clock.js'
import { parseDuration } from '../core/duration.js'
import type { Duration } from '../core/duration.js'
import { Emitter } from '../core/events.js'
import type { StoreEvent } from '../core/limiter/limiter.js'
import { ShuttingDownError, SluiceError, SupplierUnknownError } from '../errors.js'
import type { ErrorCode } from '../errors.js'
import { Call } from './call.js'
import type { CallFacts, CallHost } from './call.js'
import { normalizeOptions } from './options.js'
import type { DispatcherOptions } from './options.js'
import { prepareRequest } from './request.js'
import { checkRequest } from './request-check.js'
import type { DispatchRequest } from './request.js'
import type { AttemptResult, DispatchResponse } from './response.js'
import { Deadlines } from './deadlines.js'
import { SlotList } from './slot-list.js'
import { SignalLinks } from './signal-links.js'
import { openStore } from './store.js'
import { StoreHealth, warningLogger } from '../core/limiter/store-health.js'
import type { OwnedStore } from './store.js'
import { createSupplier } from './supplier.js'
import type { Supplier } from './supplier.js'
import type { SupplierMetrics } from './stats.js'
import type { DispatchTracer } from './trace.js'
import { undiciTransport } from './transport.js'
import { classifyOutcome, snapshot } from './outcome.js'
import type { Outcome } from './outcome.js'

/** One finished call, as `events.requestEnd` reports it (observability binds metrics to it). */
export interface RequestEndEvent {
  /** The supplier it was for. */
  supplier: string
  /** How it counts: success, failure or rejected. */
  outcome: Outcome
  /** Supplier status, or 0 when none came back. */
  status: number
  /** Error code when the call rejected. */
  code?: ErrorCode
  /** Attempts sent (0 when answered from the cache or refused before sending). */
  attempts: number
  /** From `request()` to the answer or error, in ms. */
  durationMs: number
  /** Time waiting for admission (token and slot), summed over attempts, in ms. */
  queuedMs: number
  /** Answered from the cache or by an identical GET in flight. */
  fromCache: boolean
}

/** What the dispatcher announces; subscribe with `events.<name>.on(listener)`. */
export interface DispatcherEvents {
  /** Every call that finished, answered or not. */
  readonly requestEnd: Emitter<RequestEndEvent>
  /** A retry is about to be made after its backoff: which attempt, and what failed. */
  readonly retry: Emitter<{ supplier: string, attempt: number, reason: string }>
  /** A supplier answered 429 (its bucket is paused for the time it asked). */
  readonly rateLimited: Emitter<{ supplier: string }>
  /** A supplier's circuit breaker changed state. */
  readonly breakerStateChange: Emitter<{ supplier: string, state: SupplierMetrics['breaker'] }>
  /** Finished spans lost on the way to the OTLP endpoint (with `tracing`; docs/tracing.md). */
  readonly spansDropped: Emitter<{ count: number, reason: 'queue_full' | 'export_failed' }>
}

/** How `close()` ends the dispatcher. */
export interface CloseOptions {
  /**
   * What finishes before the dispatcher closes: `true` (default) every queued and running call;
   * `'in-flight'` only attempts already sent: queued calls, and retries that would queue again, are
   * refused at once with `SLC_SHUTTING_DOWN` (stop sending now, as on Ctrl-C); `false` nothing,
   * every call is cut.
   */
  drain?: boolean | 'in-flight'
  /** How long a drain may take before what is left is rejected (default 30s). */
  timeout?: Duration
}

/** Outbound calls to the configured suppliers, made by `createDispatcher`. `S` is the union of their names. */
export interface Dispatcher<S extends string = string> {
  /**
   * Sends a request to a supplier when its rate limit, concurrency cap and queue allow, retrying as
   * configured. Resolves with the buffered answer, whatever its status; rejects only when there is
   * none (an `SLC_*` error: `SLC_QUEUE_FULL`, `SLC_QUEUE_TIMEOUT`, `SLC_CIRCUIT_OPEN`, `SLC_ABORTED`,
   * `SLC_UPSTREAM_TIMEOUT`, `SLC_BAD_GATEWAY`, …). Never throws synchronously.
   */
  request (req: DispatchRequest<S>): Promise<DispatchResponse>
  /** Counters and recent latency percentiles per supplier. */
  metrics (): Record<S, SupplierMetrics>
  /** The configured supplier names. */
  readonly suppliers: readonly S[]
  /** Events for observability: finished calls, retries, 429s, breaker changes. */
  readonly events: DispatcherEvents
  /** Store errors (stores that report them: Redis); undefined for the memory store. */
  readonly storeEvents: Emitter<StoreEvent> | undefined
  /**
   * Stops taking calls (new ones reject with `SLC_SHUTTING_DOWN`), drains as `opts` says, then closes
   * connections and the store it opened. Calling it again returns the same promise.
   */
  close (opts?: CloseOptions): Promise<void>
}

function noop (): void {}

/**
 * Creates a dispatcher: outbound calls to named suppliers, each kept under its documented rate
 * limit (token bucket), its concurrency cap, with retries, a circuit breaker and a priority queue.
 * The options are those of the suppliers file (docs/config.md, "Suppliers file reference"),
 * checked by the same schema with the same defaults; every problem is reported at once.
 *
 * Supplier names are typed from `options.suppliers`: `request({ supplier })` with a name not
 * configured does not compile.
 *
 * @example
 * ```ts
 * const d = createDispatcher({ suppliers: { hotels: { baseUrl: 'https://api.example.com', rateLimit: { rps: 10 } } } })
 * const res = await d.request({ supplier: 'hotels', path: '/v1/hotels', query: { city: 'ROM' } })
 * console.log(res.status, res.json())
 * await d.close()
 * ```
 * @throws `InvalidOptionsError` (`SLC_INVALID_OPTIONS`) naming every invalid option.
 */
export function createDispatcher<S extends string> (options: DispatcherOptions<S>): Dispatcher<S> {
  const norm = normalizeOptions(options)
  const clock: Clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const health = new StoreHealth({ clock, logger: options.logger ?? warningLogger })
  const owned: OwnedStore = openStore(norm.store, clock, health)
  const events: DispatcherEvents = {
    requestEnd: new Emitter(),
    retry: new Emitter(),
    rateLimited: new Emitter(),
    breakerStateChange: new Emitter(),
    spansDropped: new Emitter(),
  }
  // OpenTelemetry is imported only for a dispatcher made with `tracing`. Calls made while it loads
  // wait for it as they wait for the store (live, so close() drains them), and get their span when
  // it arrives.
  let tracer: DispatchTracer | undefined
  let tracerLoading: Promise<void> | undefined = norm.tracing === undefined
    ? undefined
    : import('../observability/tracing/dispatch-tracer.js').then((m) => {
      const onDrop = (count: number, reason: 'queue_full' | 'export_failed'): void => { events.spansDropped.emit({ count, reason }) }
      tracer = m.createDispatchTracer(norm.tracing!, { onDrop })
      tracerLoading = undefined
    })
  const suppliers = new Map<string, Supplier>()
  for (const [name, cfg] of norm.suppliers) {
    const transport = options.transport ?? undiciTransport
    const s = createSupplier(cfg, { clock, random, store: owned.store, transport })
    s.onAttempt = (res) => {
      if (res.status !== 429) return
      s.stats.rateLimited++
      events.rateLimited.emit({ supplier: name })
    }
    s.retry?.onRetry.on(e => {
      s.stats.retries++
      events.retry.emit({ supplier: name, attempt: e.attempt, reason: e.reason })
    })
    s.breaker?.onStateChange.on(e => events.breakerStateChange.emit({ supplier: name, state: e.to }))
    suppliers.set(name, s)
  }
  let storeReady = tracerLoading === undefined
    ? owned.ready
    : Promise.all([owned.ready, tracerLoading]).then(() => {})
  storeReady?.then(() => { storeReady = undefined }, () => {})
  let closing: Promise<void> | undefined
  // Calls between request() and their answer, backoff sleeps included: a scheduler is idle while
  // a call waits to retry, so draining must count calls, not queue entries. close() cuts these.
  const live = new SlotList<Call>({ get: c => c.liveIndex, set: (c, i) => { c.liveIndex = i } })
  let onIdle: (() => void)[] = []
  // Clock timers are unref'd, so a script awaiting a call that waits for a token or a backoff
  // would see Node exit under it. One handle, made once, is ref'd while calls are active (toggling
  // a ref costs far less than a setInterval/clearInterval pair per call used one at a time).
  let keepAlive: NodeJS.Timeout | undefined
  const idle = (): Promise<void> => live.size === 0 ? Promise.resolve() : new Promise(resolve => onIdle.push(resolve))

  function finish (s: Supplier, res: AttemptResult | undefined, err: unknown, r: CallFacts): void {
    const durationMs = r.durationMs
    const outcome = classifyOutcome(res, err)
    s.stats[outcome === 'success' ? 'successes' : outcome === 'failure' ? 'failures' : 'rejected']++
    if (outcome !== 'rejected') s.stats.latency.add(durationMs)
    if (r.fromCache) s.stats.cacheHits++
    // The event object is built only for someone listening (observability binds a listener).
    if (events.requestEnd.size === 0) return
    events.requestEnd.emit({
      supplier: s.config.name,
      outcome,
      status: res?.status ?? 0,
      code: SluiceError.is(err) ? err.code : undefined,
      attempts: r.attempts,
      durationMs,
      queuedMs: r.queuedMs,
      fromCache: r.fromCache,
    })
  }

  const host: CallHost = {
    clock,
    signals: new SignalLinks(),
    deadlines: new Deadlines(clock),
    storeReady: () => storeReady,
    enter (c) {
      live.add(c)
      if (live.size === 1) (keepAlive ??= setInterval(noop, 2 ** 30)).ref()
    },
    leave (c) {
      live.delete(c)
      if (live.size !== 0) return
      keepAlive!.unref()
      const ws = onIdle
      onIdle = []
      for (const w of ws) w()
    },
    finish,
  }

  function call (s: Supplier, req: DispatchRequest): Promise<DispatchResponse> {
    const started = clock.now()
    const prepared = prepareRequest(req, s.config, clock)
    s.stats.requests++
    if (norm.tracing === undefined) return Call.start(host, s, prepared, req.signal, started)
    const m = prepared.meta
    const open = (t: DispatchTracer): void => {
      m.trace = t.startCall(s.config.name, s.config.origin, m.method, m.path, m.headers)
    }
    // Registered before the call waits on storeReady, so the span is open before its first attempt.
    if (tracer !== undefined) open(tracer)
    else tracerLoading?.then(() => { open(tracer!) }, () => {})
    const answer = Call.start(host, s, prepared, req.signal, started)
    answer.then(res => { m.trace?.end(res) }, err => { m.trace?.end(undefined, err) })
    return answer
  }

  async function doClose (opts: CloseOptions): Promise<void> {
    const all = [...suppliers.values()]
    const shutdown = new ShuttingDownError()
    if (opts.drain === 'in-flight') for (const s of all) s.scheduler.stop(shutdown)
    if (opts.drain ?? true) {
      const ms = parseDuration(opts.timeout ?? '30s', 'close timeout')
      let timer: TimerHandle | undefined
      const timedOut = new Promise<void>(resolve => { timer = clock.setTimeout(resolve, ms) })
      await Promise.race([idle(), timedOut])
      timer?.cancel()
    }
    for (const c of live.toArray()) c.abort(shutdown)
    for (const s of all) s.scheduler.rejectQueued(shutdown)
    await idle()
    await Promise.all(all.map(s => s.transport.close().catch(() => s.transport.destroy())))
    await owned.close()
    await tracerLoading?.catch(() => {})
    await tracer?.shutdown().catch(() => {})
    clearInterval(keepAlive)
    keepAlive = undefined
  }

  return {
    request (req) {
      // Never a synchronous throw: a caller awaiting the promise (a bulk run) must see every error there.
      try {
        if (closing !== undefined) return Promise.reject(new ShuttingDownError())
        checkRequest(req)
        const s = suppliers.get(req.supplier)
        if (s === undefined) return Promise.reject(new SupplierUnknownError(req.supplier))
        return call(s, req)
      } catch (err) {
        return Promise.reject(err)
      }
    },
    metrics () {
      const out: Record<string, SupplierMetrics> = {}
      for (const [name, s] of suppliers) out[name] = snapshot(s)
      return out
    },
    suppliers: Object.freeze([...suppliers.keys()]) as readonly S[],
    events,
    storeEvents: owned.events,
    close (opts = {}) {
      closing ??= doClose(opts)
      return closing
    },
  }
}
