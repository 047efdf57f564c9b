import type { Clock } from './clock.js'
import { systemClock } from './clock.js'
import type { CallMeta, Policy, PolicyContext } from './policy.js'
import { Deadlined, DeadlineQueue } from './deadlines.js'
import { Emitter } from './events.js'
import { InvalidOptionsError } from '../errors.js'

export interface DerivedSignal {
  readonly signal: AbortSignal
  /** Cancels the timer and detaches from the parent; call once the guarded work settles. */
  cancel (): void
}

/**
 * A signal that aborts when `parent` does (with the parent's reason) or after `ms` on `clock` (with
 * `reason()`). Unlike AbortSignal.timeout it runs on the injected Clock and holds one timer that the
 * caller cancels, so nothing lingers after a fast success.
 */
export function timeoutSignal (
  parent: AbortSignal,
  ms: number,
  clock: Clock = systemClock,
  reason: () => unknown = () => new DOMException(`Timed out after ${ms}ms`, 'TimeoutError')
): DerivedSignal {
  const ctrl = new AbortController()
  if (parent.aborted) {
    ctrl.abort(parent.reason)
    return { signal: ctrl.signal, cancel () {} }
  }
  const onParentAbort = (): void => {
    timer?.cancel()
    ctrl.abort(parent.reason)
  }
  const timer = Number.isFinite(ms)
    ? clock.setTimeout(() => {
      parent.removeEventListener('abort', onParentAbort)
      ctrl.abort(reason())
    }, ms)
    : undefined
  parent.addEventListener('abort', onParentAbort, { once: true })
  return {
    signal: ctrl.signal,
    cancel () {
      timer?.cancel()
      parent.removeEventListener('abort', onParentAbort)
    },
  }
}

export interface TimeoutDeps {
  clock?: Clock
  /** Builds the error the call rejects with when time is up (e.g. UpstreamTimeoutError). */
  onTimeout: () => Error
  /** Receives a result that arrived after the timeout, so its body can be drained. */
  discard?: (lateResult: unknown) => void
}

export interface TimeoutPolicy extends Policy {
  execute<T, M extends CallMeta> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T>
  readonly timeoutMs: number
  readonly onTimeout: Emitter<{ timeoutMs: number }>
}

/**
 * One attempt under a timeout policy. Its AbortController is made only when someone reads the
 * attempt's signal: a transport that never looks (or a call that ends first) costs no controller,
 * and creating an AbortSignal costs microseconds in Node 20. It is also an entry of the policy's
 * deadline list (deadlines.ts, the same list the gateway keeps per upstream): every attempt gets
 * the same `ms`, so one clock timer, armed for the oldest, serves them all.
 * The attempt is also the context fn receives; `signal` is a prototype getter, which is why a
 * policy deriving a context copies its fields instead of spreading it (see PolicyContext).
 * Fields are public to the policy; the class is not exported.
 */
class Attempt<M extends CallMeta> extends Deadlined implements PolicyContext<M> {
  settled = false
  /** The timeout error once time is up. */
  expired: Error | undefined = undefined
  ctrl: AbortController | undefined = undefined
  /** The caller's signal, once this attempt's own signal follows it. */
  parent: AbortSignal | undefined = undefined
  reject: (err: unknown) => void = noop
  readonly outer: PolicyContext<M>
  readonly attempt: number
  readonly meta: M
  readonly #expire: (a: Attempt<CallMeta>) => void

  constructor (pc: PolicyContext<M>, expire: (a: Attempt<CallMeta>) => void) {
    super()
    // The caller's signal is not read here: it may be a getter that makes it on first read.
    this.outer = pc
    this.attempt = pc.attempt
    this.meta = pc.meta
    this.#expire = expire
  }

  onDeadline (): void {
    this.#expire(this)
  }

  get signal (): AbortSignal {
    if (this.ctrl === undefined) {
      const c = this.ctrl = new AbortController()
      const parent = this.outer.signal
      if (this.expired !== undefined) c.abort(this.expired)
      else if (parent.aborted) c.abort(parent.reason)
      else if (!this.settled) {
        parent.addEventListener('abort', this, { once: true })
        this.parent = parent
      }
    }
    return this.ctrl.signal
  }

  /** The caller's signal aborted (EventListener object: no closure per attempt). */
  handleEvent (): void {
    const parent = this.parent!
    this.parent = undefined
    this.ctrl!.abort(parent.reason)
  }

  detach (): void {
    const parent = this.parent
    if (parent === undefined) return
    this.parent = undefined
    parent.removeEventListener('abort', this)
  }
}

function noop (): void {}

/**
 * Bounds one attempt. The inner fn gets a derived signal; when time is up the call rejects with
 * `onTimeout()` at once, even if fn ignores its signal, because a gateway must answer on time.
 * `ms` may be Infinity for "no timeout" (the signal still follows the caller's).
 */
export function createTimeoutPolicy (ms: number, deps: TimeoutDeps): TimeoutPolicy {
  if (!(ms > 0)) throw new InvalidOptionsError(`timeout must be > 0 ms (got ${ms})`)
  const clock = deps.clock ?? systemClock
  const { discard } = deps
  const onTimeout = new Emitter<{ timeoutMs: number }>()
  // Attempts whose deadline is pending, oldest first. Its timer stays armed when attempts end
  // early (most do): it finds nothing due when it fires and is not armed again until an attempt
  // starts, which costs less than arming and cancelling a host timer per attempt.
  const deadlines = Number.isFinite(ms) ? new DeadlineQueue(ms, clock) : undefined

  function expire (a: Attempt<CallMeta>): void {
    a.detach()
    const err = a.expired = deps.onTimeout()
    a.reject(err)
    onTimeout.emit({ timeoutMs: ms })
    a.ctrl?.abort(err)
  }

  function finish (a: Attempt<CallMeta>): void {
    a.settled = true
    a.detach()
    deadlines?.remove(a)
  }

  function execute<T, M extends CallMeta> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T> {
    const a = new Attempt(pc, expire)
    return new Promise<T>((resolve, reject) => {
      a.reject = reject
      deadlines?.add(a)
      let p: Promise<T>
      try {
        p = fn(a)
      } catch (err) {
        p = Promise.reject(err)
      }
      p.then(value => {
        finish(a)
        if (a.expired === undefined) resolve(value)
        else if (discard !== undefined) {
          try { discard(value) } catch { /* a failed drain only costs a socket */ }
        }
      }, err => {
        finish(a)
        if (a.expired === undefined) reject(err)
      })
    })
  }

  return { execute, timeoutMs: ms, onTimeout }
}
