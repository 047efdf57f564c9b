import type { Clock, TimerHandle } from './clock.js'
import { systemClock } from './clock.js'
import type { CallMeta, Policy, PolicyContext } from './policy.js'
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
  /**
   * `observer`, when given, hears the attempt's outcome (its value, its error or the timeout error)
   * synchronously, just before the returned promise settles with it: an outer policy that only
   * watches outcomes (a breaker, a concurrency slot) then needs no promise reaction of its own.
   */
  execute<T> (fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext, observer?: SettleObserver): Promise<T>
  /**
   * `execute` without a promise, for a caller that runs the attempt itself: starts the attempt's
   * clock and returns the context to run it with. `observer` hears the outcome exactly once: the
   * one passed to `end`, or the timeout error if time runs out first. The caller must call `end`
   * once the attempt settles, never from inside `begin`'s caller synchronously with the observer
   * (as with execute, an observer is not re-entered from inside the work it watches).
   */
  begin (pc: PolicyContext, observer: SettleObserver): PolicyContext
  /** The attempt `begin` returned settled with `outcome`; a late value goes to `discard`. */
  end (attempt: PolicyContext, ok: boolean, outcome: unknown): void
}

/** Hears how an attempt run by the timeout policy ended; `pc` is the context execute was given. */
export interface SettleObserver {
  attemptSettled (pc: PolicyContext, ok: boolean, outcome: unknown): void
}

/** `meta.now` if an outer policy left one (see CallMeta.now), else a fresh reading; clears it. */
export function consumeNow (meta: CallMeta, clock: Clock): number {
  const now = meta.now
  if (now === undefined) return clock.now()
  meta.now = undefined
  return now
}

/** Told when an attempt is cut: its deadline passed or the caller's signal aborted. */
export interface AttemptWatcher {
  attemptCut (reason: unknown): void
}

/**
 * One attempt under a timeout policy. Its AbortController is made only when someone reads the
 * attempt's signal: a transport that never looks (or a call that ends first) costs no controller,
 * and creating an AbortSignal costs microseconds in Node 20. It is also a node of the policy's
 * deadline list: every attempt gets the same `ms`, so deadlines come in start order and one clock
 * timer, armed for the oldest, serves them all (undici's fast timers do the same).
 * The attempt is also the context fn receives; `signal` is a prototype getter, which is why a
 * policy deriving a context copies its fields instead of spreading it (see PolicyContext).
 * Fields are public to the policy; the class is not exported.
 */
class Attempt implements PolicyContext {
  prev: Attempt | undefined = undefined
  next: Attempt | undefined = undefined
  deadline = 0
  linked = false
  settled = false
  /** The timeout error once time is up. */
  expired: Error | undefined = undefined
  ctrl: AbortController | undefined = undefined
  watcher: AttemptWatcher | undefined = undefined
  listening = false
  reject: (err: unknown) => void = noop
  observer: SettleObserver | undefined = undefined
  readonly outer: PolicyContext
  readonly parent: AbortSignal
  readonly attempt: number
  readonly meta: CallMeta

  constructor (pc: PolicyContext) {
    this.outer = pc
    this.parent = pc.signal
    this.attempt = pc.attempt
    this.meta = pc.meta
  }

  get signal (): AbortSignal {
    if (this.ctrl === undefined) {
      const c = this.ctrl = new AbortController()
      if (this.expired !== undefined) c.abort(this.expired)
      else if (this.parent.aborted) c.abort(this.parent.reason)
      else if (!this.settled) this.listen()
    }
    return this.ctrl.signal
  }

  watch (w: AttemptWatcher): boolean {
    if (this.watcher !== undefined) return false
    if (this.expired !== undefined) w.attemptCut(this.expired)
    else if (this.parent.aborted) w.attemptCut(this.parent.reason)
    else if (!this.settled) {
      this.watcher = w
      this.listen()
    }
    return true
  }

  /** Follows the caller's signal, for the controller or the watcher (once, whichever asks first). */
  listen (): void {
    if (this.listening) return
    this.parent.addEventListener('abort', this, { once: true })
    this.listening = true
  }

  /** The caller's signal aborted (EventListener object: no closure per attempt). */
  handleEvent (): void {
    this.listening = false
    this.cut(this.parent.reason)
  }

  cut (reason: unknown): void {
    this.ctrl?.abort(reason)
    const w = this.watcher
    this.watcher = undefined
    w?.attemptCut(reason)
  }

  /** Tells the observer, once, how the attempt ended. */
  tell (ok: boolean, outcome: unknown): void {
    const o = this.observer
    if (o === undefined) return
    this.observer = undefined
    o.attemptSettled(this.outer, ok, outcome)
  }

  detach (): void {
    this.watcher = undefined
    if (!this.listening) return
    this.listening = false
    this.parent.removeEventListener('abort', this)
  }
}

/**
 * Tells `watcher` when the timeout policy's attempt `pc` is cut, at once if it already is, without
 * creating the attempt's AbortSignal (a transport that can cancel its request by other means uses
 * this instead of listening on `pc.signal`). False when `pc` is not such an attempt or already has
 * a watcher: then listen on `pc.signal`. The watch ends with the attempt.
 */
export function watchAttempt (pc: PolicyContext, watcher: AttemptWatcher): boolean {
  return pc instanceof Attempt && pc.watch(watcher)
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
  const finite = Number.isFinite(ms)
  let head: Attempt | undefined
  let tail: Attempt | undefined
  let timer: TimerHandle | undefined
  let armedFor: Attempt | undefined

  function arm (a: Attempt): void {
    armedFor = a
    timer = clock.setTimeout(fire, Math.max(0, a.deadline - clock.now()))
  }

  function link (a: Attempt, now: number): void {
    a.deadline = now + ms
    a.linked = true
    a.prev = tail
    if (tail === undefined) head = a
    else tail.next = a
    tail = a
    // For the head, not `a`: an observer told of an expiry may start an attempt from inside fire().
    if (timer === undefined) arm(head!)
  }

  function unlink (a: Attempt): void {
    a.linked = false
    if (a.prev === undefined) head = a.next
    else a.prev.next = a.next
    if (a.next === undefined) tail = a.prev
    else a.next.prev = a.prev
    a.prev = a.next = undefined
  }

  function fire (): void {
    timer = undefined
    // The attempt the timer was armed for is due even if the host timer ran a hair early.
    const target = armedFor
    armedFor = undefined
    const now = clock.now()
    while (head !== undefined && (head === target || head.deadline <= now)) {
      const a = head
      unlink(a)
      expire(a)
    }
    if (head !== undefined && timer === undefined) arm(head)
  }

  function expire (a: Attempt): void {
    const w = a.watcher
    a.detach()
    const err = a.expired = deps.onTimeout()
    a.tell(false, err)
    a.reject(err)
    onTimeout.emit({ timeoutMs: ms })
    a.ctrl?.abort(err)
    w?.attemptCut(err)
  }

  function finish (a: Attempt): void {
    a.settled = true
    a.detach()
    if (!a.linked) return
    unlink(a)
    if (head === undefined && timer !== undefined) {
      timer.cancel()
      timer = undefined
      armedFor = undefined
    }
  }

  function begin (pc: PolicyContext, observer: SettleObserver): PolicyContext {
    const a = new Attempt(pc)
    a.observer = observer
    if (finite && !pc.signal.aborted) link(a, consumeNow(pc.meta, clock))
    else if (pc.meta.now !== undefined) pc.meta.now = undefined
    return a
  }

  function end (attempt: PolicyContext, ok: boolean, outcome: unknown): void {
    const a = attempt as Attempt
    if (a.settled) return
    finish(a)
    if (a.expired === undefined) a.tell(ok, outcome)
    else if (ok && discard !== undefined) {
      try { discard(outcome) } catch { /* a failed drain only costs a socket */ }
    }
  }

  function execute<T> (
    fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext, observer?: SettleObserver
  ): Promise<T> {
    const a = new Attempt(pc)
    a.observer = observer
    const ctx: PolicyContext = a
    return new Promise<T>((resolve, reject) => {
      a.reject = reject
      // Like a derived signal of an aborted parent: no deadline for an attempt already cancelled.
      if (finite && !pc.signal.aborted) link(a, consumeNow(pc.meta, clock))
      else if (pc.meta.now !== undefined) pc.meta.now = undefined
      let p: Promise<T>
      try {
        p = fn(ctx)
      } catch (err) {
        // Settled a tick later, like a rejection: an observer is never re-entered from inside fn.
        p = Promise.reject(err)
      }
      p.then(value => {
        finish(a)
        if (a.expired === undefined) {
          a.tell(true, value)
          resolve(value)
        } else if (discard !== undefined) {
          try { discard(value) } catch { /* a failed drain only costs a socket */ }
        }
      }, err => {
        finish(a)
        if (a.expired !== undefined) return
        a.tell(false, err)
        reject(err)
      })
    })
  }

  return { execute, begin, end, timeoutMs: ms, onTimeout }
}
