import type { Clock, Random } from './clock.js'
import { systemClock } from './clock.js'
import type { Policy, PolicyContext, CallMeta } from './policy.js'
import { Emitter } from './events.js'
import { backoffDelay } from './backoff.js'
import { looksLikeResponse, retryAfterFromError, retryAfterFromResponse } from './retry-after.js'
import type { RetryBudget, RetryBudgetOptions } from './retry-budget.js'
import { createRetryBudget, DEFAULT_RETRY_BUDGET, isRetryBudget } from './retry-budget.js'
import { AbortedError, InvalidOptionsError } from '../errors.js'
import { retryableCode } from '../error-kinds.js'

/** Options of `createRetryPolicy`; every delay is in milliseconds. */
export interface RetryOptions {
  /** Total attempts including the first (1 = never retry). */
  attempts: number
  /** Backoff: upper bound of the first retry's jittered delay, in ms. */
  baseDelayMs: number
  /** Backoff: upper bound of any jittered delay, in ms. */
  maxDelayMs: number
  /** Cap for a Retry-After honoured from a response or an error, in ms [4 × maxDelayMs]. */
  maxRetryAfterMs?: number
  /** Response statuses worth another attempt [429, 502, 503, 504]. */
  retryOnStatus?: number[]
  /** Replay POST/PATCH/… even without `meta.idempotent` [false]. */
  retryNonIdempotent?: boolean
  /** Methods replayed without `meta.idempotent` [GET, HEAD, OPTIONS, PUT, DELETE, TRACE]. */
  methods?: Iterable<string>
  /** Whether a failed attempt's error is worth another, and why [retryableCode: its code, never unsent]. */
  classifyError?: (err: unknown) => ErrorVerdict | undefined
  /** Retry budget: its options, a shared budget, or false for none [ratio 0.2, 3/s, 10s]. */
  budget?: RetryBudgetOptions | RetryBudget | false
  /** Called on a result dropped for a retry, so its body can be drained and its socket reused. */
  discard?: (result: unknown) => void
}

/** Why an error deserves another attempt. */
export interface ErrorVerdict {
  /** Reported in RetryEvent.reason. */
  readonly reason: string
  /** The request never reached the upstream (no connection was made): replayed whatever its method. */
  readonly unsent?: boolean
}

export interface RetryEvent<M extends CallMeta = CallMeta> {
  /** Number of the attempt about to run after the delay (2 for the first retry). */
  attempt: number
  delayMs: number
  /** What failed: `status 503`, or the error's verdict (by default its code: `ECONNRESET`, `SLC_BAD_GATEWAY`…). */
  reason: string
  /** The call's payload. */
  meta: M
}

export interface GiveUpEvent<M extends CallMeta = CallMeta> {
  /** Attempts made. */
  attempts: number
  /** Why a retryable failure was not retried: `attempts`, `budget`, `deadline`, `non-idempotent` or `body`. */
  reason: string
  /** What failed, as in RetryEvent.reason. */
  failure: string
  meta: M
}

/**
 * Retries a failed call with full-jitter backoff within a retry budget, honouring Retry-After.
 * Generic in the payload its events carry; execute accepts any payload that extends it.
 */
export interface RetryPolicy<E extends CallMeta = CallMeta> extends Policy {
  /** Runs `fn`, then again after a backoff while the outcome is retryable, the call replayable and budget allows. */
  execute<T, M extends E> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T>
  /** Emitted before each retry's backoff: the attempt about to run, its delay and what failed. */
  readonly onRetry: Emitter<RetryEvent<E>>
  /** Emitted when a retryable failure is returned because attempts or the budget ran out. */
  readonly onGiveUp: Emitter<GiveUpEvent<E>>
  /** The retry budget in use; undefined when `budget: false`. */
  readonly budget: RetryBudget | undefined
  /**
   * For a caller that runs the first attempt itself, without a promise (the gateway's direct path):
   * `first` is how that attempt ended (the caller has counted the call with `budget.recordRequest()`
   * and checked `isFinal`); the policy goes on exactly as `execute` would after its own first attempt.
   */
  resume<T, M extends E> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>, first: Outcome<T>): Promise<T>
  /** False for an answer the policy would retry (a response with one of its `retryOnStatus`). */
  isFinal (value: unknown): boolean
}

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

export function isReplayable (
  meta: CallMeta, retryNonIdempotent = false, methods: ReadonlySet<string> = IDEMPOTENT
): boolean {
  return retryNonIdempotent || meta.idempotent === true || meta.method === undefined ||
    methods.has(meta.method.toUpperCase())
}

const byCode = (err: unknown): ErrorVerdict | undefined => {
  const code = retryableCode(err)
  return code === undefined ? undefined : { reason: code }
}

export type Outcome<T> = { ok: true, value: T } | { ok: false, error: unknown }

/**
 * Creates a retry policy (a `Policy`): compose it with `wrap(retry, breaker, …)`.
 *
 * @throws `InvalidOptionsError` for attempts below 1 or negative delays.
 */
export function createRetryPolicy<E extends CallMeta = CallMeta> (
  opts: RetryOptions, deps: { clock?: Clock, random?: Random } = {}
): RetryPolicy<E> {
  const clock = deps.clock ?? systemClock
  const random = deps.random ?? Math.random
  const { attempts, baseDelayMs, maxDelayMs, discard } = opts
  if (!Number.isInteger(attempts) || attempts < 1) throw new InvalidOptionsError(`retry.attempts must be an integer >= 1 (got ${attempts})`)
  if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) throw new InvalidOptionsError('retry delays must be >= 0')
  const backoff = { baseMs: baseDelayMs, maxMs: maxDelayMs }
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? maxDelayMs * 4
  const statuses: ReadonlySet<number> = new Set(opts.retryOnStatus ?? [429, 502, 503, 504])
  const retryNonIdempotent = opts.retryNonIdempotent ?? false
  const methods = opts.methods === undefined ? IDEMPOTENT : new Set([...opts.methods].map(m => m.toUpperCase()))
  const classifyError = opts.classifyError ?? byCode
  const budget = opts.budget === false
    ? undefined
    : isRetryBudget(opts.budget) ? opts.budget : createRetryBudget(opts.budget ?? DEFAULT_RETRY_BUDGET, clock)
  const onRetry = new Emitter<RetryEvent<E>>()
  const onGiveUp = new Emitter<GiveUpEvent<E>>()

  const settle = <T>(o: Outcome<T>): T => { if (o.ok) return o.value; throw o.error }

  const isFinal = (value: unknown): boolean => !(looksLikeResponse(value) && statuses.has(value.status))

  /** Attempt `attempt` ended with `o`: settle, or wait and try again until an answer is final. */
  async function after<T, M extends E> (
    fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>, attempt: number, o: Outcome<T>
  ): Promise<T> {
    for (;;) {
      if (pc.signal.aborted) return settle(o)
      // By default an error's kind decides (src/error-kinds.ts): gate rejections, open circuits,
      // caller errors and aborts never qualify, as retrying them only adds load or repeats a mistake.
      const verdict = o.ok ? undefined : classifyError(o.error)
      const reason = o.ok ? `status ${(o.value as { status: number }).status}` : verdict?.reason
      if (reason === undefined) return settle(o)

      const failed = o
      const tried = attempt
      const giveUp = (why: string): T => {
        onGiveUp.emit({ attempts: tried, reason: why, failure: reason, meta: pc.meta })
        return settle(failed)
      }
      if (attempt >= attempts) return giveUp('attempts')
      if (verdict?.unsent !== true && !isReplayable(pc.meta, retryNonIdempotent, methods)) return giveUp('non-idempotent')
      if (pc.meta.replayable === false) return giveUp('body')
      const hinted = o.ok ? retryAfterFromResponse(o.value, clock.wallNow()) : retryAfterFromError(o.error)
      const delayMs = hinted !== undefined ? Math.min(hinted, maxRetryAfterMs) : backoffDelay(attempt, backoff, random)
      const deadline = pc.meta.deadline
      if (typeof deadline === 'number' && clock.now() + delayMs > deadline) return giveUp('deadline')
      if (budget !== undefined && !budget.tryRetry()) return giveUp('budget')

      if (o.ok && discard !== undefined) {
        try { discard(o.value) } catch { /* a failed drain only costs a socket */ }
      }
      onRetry.emit({ attempt: attempt + 1, delayMs, reason, meta: pc.meta })
      await sleep(delayMs, pc.signal, clock)
      attempt++
      try {
        const value = await fn({ signal: pc.signal, attempt, meta: pc.meta })
        if (isFinal(value)) return value
        o = { ok: true, value }
      } catch (error) {
        o = { ok: false, error }
      }
    }
  }

  // The first attempt runs without an async frame: most calls end there, and a suspended async
  // function costs the heap more than the two closures below.
  function execute<T, M extends E> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T> {
    budget?.recordRequest()
    // The caller's context is the first attempt's when it already says attempt 1: nothing to copy.
    const apc: PolicyContext<M> = pc.attempt === 1 ? pc : { signal: pc.signal, attempt: 1, meta: pc.meta }
    let p: Promise<T>
    try {
      p = fn(apc)
    } catch (error) {
      return after(fn, pc, 1, { ok: false, error })
    }
    return p.then(
      value => isFinal(value) ? value : after(fn, pc, 1, { ok: true, value }),
      error => after(fn, pc, 1, { ok: false, error })
    )
  }

  function resume<T, M extends E> (
    fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>, first: Outcome<T>
  ): Promise<T> {
    return after(fn, pc, 1, first)
  }

  return { execute, resume, isFinal, onRetry, onGiveUp, budget }
}

/** Waits `ms` on the clock; rejects with AbortedError (and cancels the timer) when `signal` aborts. */
export function sleep (ms: number, signal: AbortSignal, clock: Clock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortedError(undefined, { cause: signal.reason }))
      return
    }
    // No wait, no timer: a zero backoff retries on this turn of the event loop, whatever the clock.
    if (ms <= 0) {
      resolve()
      return
    }
    const onAbort = (): void => {
      timer.cancel()
      reject(new AbortedError(undefined, { cause: signal.reason }))
    }
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
