import type { Clock } from './clock.js'
import { systemClock } from './clock.js'
import type { Policy, PolicyContext } from './policy.js'
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
  readonly timeoutMs: number
  readonly onTimeout: Emitter<{ timeoutMs: number }>
}

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

  function execute<T> (fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let expired = false
      const derived = timeoutSignal(pc.signal, ms, clock, () => {
        expired = true
        const err = deps.onTimeout()
        reject(err)
        onTimeout.emit({ timeoutMs: ms })
        return err
      })
      let p: Promise<T>
      try {
        p = fn({ ...pc, signal: derived.signal })
      } catch (err) {
        derived.cancel()
        reject(err)
        return
      }
      p.then(value => {
        derived.cancel()
        if (!expired) resolve(value)
        else if (discard !== undefined) {
          try { discard(value) } catch { /* a failed drain only costs a socket */ }
        }
      }, err => {
        derived.cancel()
        reject(err)
      })
    })
  }

  return { execute, timeoutMs: ms, onTimeout }
}
