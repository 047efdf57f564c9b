// What the scheduler's queue holds. A waiting call is one Waiter (which is also its abort listener,
// so no closure) that tells whoever is waiting when it may start: the dispatcher's call, which is
// its own Waiter, or, for `execute`, a Deferred holding the promise that execute returned.

import type { TimerHandle } from '../core/clock.js'
import type { PolicyContext } from '../core/policy.js'
import { QueueNode } from '../core/queue/priority-queue.js'

/** Told once whether a reserved call may start. */
export interface Admittee {
  /** A slot and a token are held for the call: its next `execute` pass starts at once. */
  admitted (): void
  /** The call left the queue without starting (abort, deadline, shutdown, store failure). */
  refused (err: unknown): void
}

export type Leave = (w: WaiterBase, why: 'abort' | 'deadline') => void

/**
 * A queued call's place in the scheduler: set up by `init` when it queues. The dispatcher's call
 * is its own WaiterBase (its `to` and `pc` are itself: getters, not fields, as a queued call's bytes
 * count) and a WaiterBase is its own queue node (one object per queued call); `execute` queues a
 * plain Waiter around a Deferred.
 */
export abstract class WaiterBase extends QueueNode<WaiterBase> {
  deadlineTimer: TimerHandle | undefined = undefined
  listening = false
  leave: Leave | undefined = undefined
  abstract get to (): Admittee | undefined
  abstract get pc (): PolicyContext | undefined

  init (_to: Admittee, _pc: PolicyContext, priority: number, enqueuedAt: number, leave: Leave): void {
    this.priority = priority
    this.enqueuedAt = enqueuedAt
    this.leave = leave
  }

  listen (): void {
    this.pc!.signal.addEventListener('abort', this, { once: true })
    this.listening = true
  }

  handleEvent (): void {
    this.listening = false
    this.leave!(this, 'abort')
  }

  cleanup (): void {
    this.deadlineTimer?.cancel()
    if (this.listening) {
      this.listening = false
      this.pc!.signal.removeEventListener('abort', this)
    }
  }
}

/** A waiter that holds whom to tell and the policy context it queued with. */
export class Waiter extends WaiterBase {
  #to: Admittee | undefined = undefined
  #pc: PolicyContext | undefined = undefined
  get to (): Admittee | undefined { return this.#to }
  get pc (): PolicyContext | undefined { return this.#pc }

  override init (to: Admittee, pc: PolicyContext, priority: number, enqueuedAt: number, leave: Leave): void {
    this.#to = to
    this.#pc = pc
    super.init(to, pc, priority, enqueuedAt, leave)
  }
}

/** An execute() call that had to queue: when admitted it runs fn and settles the promise with it. */
export class Deferred<T> implements Admittee {
  readonly promise: Promise<T>
  #resolve!: (value: T | Promise<T>) => void
  #reject!: (err: unknown) => void
  readonly #start: () => Promise<T>

  constructor (start: () => Promise<T>) {
    this.#start = start
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  admitted (): void { this.#resolve(this.#start()) }
  refused (err: unknown): void { this.#reject(err) }
}
