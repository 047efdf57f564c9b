import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type { CallMeta, Policy, PolicyContext } from '../policy.js'
import { Emitter } from '../events.js'
import { looksLikeResponse, retryAfterFromError, retryAfterFromResponse } from '../retry-after.js'
import { CircuitOpenError, InvalidOptionsError } from '../../errors.js'
import { isNeutral } from '../../error-kinds.js'
import type { BreakerStrategy } from './strategy.js'
import { consecutiveStrategy } from './consecutive.js'
import { ratioStrategy } from './ratio.js'

/** `closed`: calls pass; `open`: calls fail at once with `SLC_CIRCUIT_OPEN`; `half-open`: a few probes decide. */
export type BreakerState = 'closed' | 'open' | 'half-open'

/** Options of `createCircuitBreaker`; every duration is in milliseconds. */
export interface BreakerOptions {
  /** Names the breaker in its errors and events. */
  name: string
  /** Trip after this many failures in a row. The default when no trip rule is given is 5. */
  consecutiveFailures?: number
  /** Trip when failures / calls >= this over `windowMs` with at least `minimumRequests` calls. */
  failureRatio?: number
  /** [10] */
  minimumRequests?: number
  /** [10000] */
  windowMs?: number
  /** How long the circuit stays open before probing, in ms. */
  openForMs: number
  /** Probes let through concurrently when half-open; all of them must succeed to close [1]. */
  halfOpenRequests?: number
  /** Stay open for max(openForMs, the failure's Retry-After), at most 10 × openForMs [true]. */
  useRetryAfter?: boolean
  /** Results with these statuses count as failures [500, 502, 503, 504, 429]. */
  failureStatuses?: number[]
}

export interface BreakerStateChange { from: BreakerState, to: BreakerState, name: string }

/** A circuit breaker (a `Policy`): stops calling a failing dependency for `openForMs`, then probes it. */
export interface CircuitBreaker extends Policy {
  /** Runs `fn` when the circuit lets it, and records its outcome; rejects with `CircuitOpenError` when open. */
  execute<T, M extends CallMeta> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T>
  /** The `name` it was created with. */
  readonly name: string
  /** The state now (an open circuit whose time is up reads `half-open`). */
  readonly state: BreakerState
  /** Emitted on every state change. */
  readonly onStateChange: Emitter<BreakerStateChange>
  /** Emitted for each call refused because the circuit is open. */
  readonly onReject: Emitter<{ name: string }>
  /** A sync probe for callers that must know before queueing: throws CircuitOpenError when open. */
  check (): void
}

type Outcome = 'success' | 'failure' | 'neutral'

/**
 * Each admitted call carries the generation it was admitted in. Every state change starts a new
 * generation, so a slow call admitted while closed cannot reopen a breaker that has since moved on,
 * and a probe from an earlier half-open period cannot close a later one.
 */
type Ticket = number

/** A ticket packs the generation and the probe flag into one number: no object per call. */
const ticket = (gen: number, probe: boolean): Ticket => gen * 2 + (probe ? 1 : 0)

function strategiesFor (opts: BreakerOptions, clock: Clock): BreakerStrategy[] {
  const out: BreakerStrategy[] = []
  if (opts.failureRatio !== undefined) {
    const { failureRatio, minimumRequests = 10, windowMs = 10_000 } = opts
    if (!(failureRatio > 0 && failureRatio <= 1)) throw new InvalidOptionsError(`breaker ${opts.name}: failureRatio must be in (0, 1]`)
    if (!(windowMs > 0) || !(minimumRequests >= 1)) throw new InvalidOptionsError(`breaker ${opts.name}: windowMs > 0 and minimumRequests >= 1`)
    out.push(ratioStrategy({ failureRatio, minimumRequests, windowMs }, clock))
  }
  if (opts.consecutiveFailures !== undefined || out.length === 0) {
    const n = opts.consecutiveFailures ?? 5
    if (!Number.isInteger(n) || n < 1) throw new InvalidOptionsError(`breaker ${opts.name}: consecutiveFailures must be an integer >= 1`)
    out.push(consecutiveStrategy(n))
  }
  return out
}

/**
 * Creates a circuit breaker. It trips on `consecutiveFailures` in a row (5 when no rule is given) or on
 * `failureRatio` over `windowMs`; aborts and caller errors never count.
 *
 * @throws `InvalidOptionsError` for `openForMs` not above 0 or bad probe counts.
 */
export function createCircuitBreaker (opts: BreakerOptions, deps: { clock?: Clock } = {}): CircuitBreaker {
  const clock = deps.clock ?? systemClock
  const { name, openForMs, halfOpenRequests = 1, useRetryAfter = true } = opts
  if (!(openForMs > 0)) throw new InvalidOptionsError(`breaker ${name}: openForMs must be > 0`)
  if (!Number.isInteger(halfOpenRequests) || halfOpenRequests < 1) {
    throw new InvalidOptionsError(`breaker ${name}: halfOpenRequests must be an integer >= 1`)
  }
  const strategies = strategiesFor(opts, clock)
  const failureStatuses: ReadonlySet<number> = new Set(opts.failureStatuses ?? [500, 502, 503, 504, 429])
  const onStateChange = new Emitter<BreakerStateChange>()
  const onReject = new Emitter<{ name: string }>()

  let state: BreakerState = 'closed'
  let gen = 0
  let openUntil = 0
  /** When the half-open period's probes are given up on (see current). */
  let probeUntil = 0
  let probesAdmitted = 0
  let probesSucceeded = 0

  function moveTo (to: BreakerState): void {
    const from = state
    state = to
    gen++
    onStateChange.emit({ from, to, name })
  }

  function current (): BreakerState {
    if (state === 'open' && clock.now() >= openUntil) {
      probesAdmitted = 0
      probesSucceeded = 0
      probeUntil = clock.now() + openForMs
      moveTo('half-open')
    } else if (state === 'half-open' && probesAdmitted > probesSucceeded && clock.now() >= probeUntil) {
      // Probes still out after openForMs are forgotten (a new generation ignores their outcome) and
      // their slots freed: a probe that never ends, on a supplier with no request timeout, would
      // otherwise hold the breaker half-open, refusing every call, for good.
      gen++
      probesAdmitted = probesSucceeded
      probeUntil = clock.now() + openForMs
    }
    return state
  }

  function trip (retryAfterMs: number | undefined): void {
    const hinted = useRetryAfter && retryAfterMs !== undefined ? Math.min(retryAfterMs, 10 * openForMs) : 0
    openUntil = clock.now() + Math.max(openForMs, hinted)
    moveTo('open')
  }

  function reject (): never {
    onReject.emit({ name })
    const retryAfterMs = state === 'open' ? Math.max(0, Math.ceil(openUntil - clock.now())) : undefined
    throw new CircuitOpenError(name, retryAfterMs)
  }

  function admit (): Ticket {
    const s = current()
    if (s === 'closed') return ticket(gen, false)
    if (s === 'half-open' && probesAdmitted < halfOpenRequests) {
      probesAdmitted++
      return ticket(gen, true)
    }
    return reject()
  }

  function record (t: Ticket, outcome: Outcome, retryAfterMs?: number): void {
    if (Math.floor(t / 2) !== gen) return
    if (t % 2 === 1) {
      if (outcome === 'neutral') probesAdmitted--
      else if (outcome === 'failure') trip(retryAfterMs)
      else if (++probesSucceeded >= halfOpenRequests) {
        for (const s of strategies) s.reset()
        moveTo('closed')
      }
    } else if (outcome === 'success') {
      for (const s of strategies) s.success()
    } else if (outcome === 'failure') {
      let tripped = false
      for (const s of strategies) tripped = s.failure() || tripped
      if (tripped) trip(retryAfterMs)
    }
  }

  function onResult<T> (t: Ticket, result: T): T {
    if (looksLikeResponse(result) && failureStatuses.has(result.status)) {
      record(t, 'failure', retryAfterFromResponse(result, clock.wallNow()))
    } else {
      record(t, 'success')
    }
    return result
  }

  function onError (t: Ticket, err: unknown, signal: AbortSignal): never {
    // A call its caller gave up on, or an error that blames someone else (src/error-kinds.ts).
    const neutral = signal.aborted || isNeutral(err)
    record(t, neutral ? 'neutral' : 'failure', retryAfterFromError(err))
    throw err
  }

  // Not an async function: two small closures cost the heap less than a suspended async frame.
  function execute<T, M extends CallMeta> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T> {
    let t: Ticket
    let p: Promise<T>
    try {
      t = admit()
    } catch (err) {
      return Promise.reject(err)
    }
    try {
      p = fn(pc)
    } catch (err) {
      p = Promise.reject(err)
    }
    return p.then(result => onResult(t, result), err => onError(t, err, pc.signal))
  }

  return {
    name,
    get state () { return current() },
    onStateChange,
    onReject,
    execute,
    check () {
      const s = current()
      if (s === 'open' || (s === 'half-open' && probesAdmitted >= halfOpenRequests)) reject()
    },
  }
}
