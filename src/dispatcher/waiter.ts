// What the scheduler's queue holds. A waiting call is one Waiter: the queue node, the abort
// listener (no closure) and the link to whom it tells when the call may start: the dispatcher's
// call, or, for `execute`, a Deferred holding the promise that execute returned.

import { AsyncResource } from 'node:async_hooks'
import type { TimerHandle } from '../core/clock.js'
import type { CallMeta } from '../core/policy.js'
import { QueueNode } from '../core/queue/priority-queue.js'
import { withResolvers } from '../core/resolvers.js'

/** What the scheduler reads and writes on a call's payload. */
export interface Admission extends CallMeta {
  /** Time spent waiting for admission, summed over passes [0]. */
  queuedMs?: number
  /** Set by `reserve` while a slot and a token are held for the call's next pass through execute. */
  reserved?: boolean
}

/** Told once whether a waiting call may start. */
export interface Admittee {
  /** A slot and a token are held for the call: its next `execute` pass starts at once. */
  admitted (): void
  /** The call left the queue without starting (abort, deadline, shutdown, store failure). */
  refused (err: unknown): void
}

export type Leave = (w: Waiter, why: 'abort' | 'deadline', reason?: unknown) => void

/**
 * A queued call's place in the scheduler's queue: it is the queue node and has whom to tell. One
 * queued by `reserve` is only that (its caller watches its own abort and deadline, and withdraws
 * it); one queued by `execute` is a ListeningWaiter.
 */
export class Waiter extends QueueNode<Waiter> {
  /**
   * The async context the call queued in. Whatever frees a slot or refills the bucket runs in its
   * own context (another caller's, a timer's); the call is started back in its own, so that
   * AsyncLocalStorage (a trace, a request id) follows it to its transport.
   */
  readonly #scope = new AsyncResource('SluiceQueuedCall')

  constructor (readonly to: Admittee, readonly meta: Admission) {
    super()
  }

  /** Tells whom it waits for that the call may start, in the context it queued in. */
  admit (): void {
    this.#scope.runInAsyncScope(this.to.admitted, this.to)
  }

  cleanup (): void {}
}

/** A waiter queued by `execute`: it listens for its call's abort and keeps its deadline timer. */
export class ListeningWaiter extends Waiter {
  deadlineTimer: TimerHandle | undefined = undefined
  /** The signal it listens on, while it does. */
  signal: AbortSignal | undefined = undefined

  constructor (to: Admittee, meta: Admission, readonly leave: Leave) {
    super(to, meta)
  }

  listen (signal: AbortSignal): void {
    signal.addEventListener('abort', this, { once: true })
    this.signal = signal
  }

  handleEvent (): void {
    const reason = this.signal!.reason
    this.signal = undefined
    this.leave(this, 'abort', reason)
  }

  override cleanup (): void {
    this.deadlineTimer?.cancel()
    const signal = this.signal
    if (signal === undefined) return
    this.signal = undefined
    signal.removeEventListener('abort', this)
  }
}

/** An execute() call that had to queue: when admitted it runs fn and settles the promise with it. */
export class Deferred<T> implements Admittee {
  readonly promise: Promise<T>
  readonly #resolve: (value: T | Promise<T>) => void
  readonly #reject: (err: unknown) => void
  readonly #start: () => Promise<T>

  constructor (start: () => Promise<T>) {
    this.#start = start
    const r = withResolvers<T>()
    this.promise = r.promise
    this.#resolve = r.resolve
    this.#reject = r.reject
  }

  admitted (): void { this.#resolve(this.#start()) }
  refused (err: unknown): void { this.#reject(err) }
}
