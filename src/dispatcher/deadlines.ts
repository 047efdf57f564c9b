// Whole-call deadlines (a request's `timeout`). Calls given the same timeout expire in the order
// they started, so each distinct timeout keeps its calls in a list, oldest first, and one clock
// timer armed for the list's head serves them all, as the timeout policy does for attempts (and
// undici's fast timers): a timed call costs one list node instead of a host timer, its handle and
// two closures. A list's timer is left armed when its calls end early (most do): it finds nothing
// due when it fires and arms for the next one, and a list found empty then goes, so distinct
// timeouts cannot pile up. Arming and cancelling a host timer per call would cost more.

import type { Clock, TimerHandle } from '../core/clock.js'

export interface Expirable {
  /** Its deadline, `ms` after it started, has passed. */
  expire (ms: number): void
}

class Deadline implements TimerHandle {
  prev: Deadline | undefined = undefined
  next: Deadline | undefined = undefined
  constructor (readonly list: List, readonly target: Expirable, readonly at: number) {}

  cancel (): void { this.list.remove(this) }
}

class List {
  head: Deadline | undefined = undefined
  tail: Deadline | undefined = undefined
  timer: TimerHandle | undefined = undefined
  armedFor: Deadline | undefined = undefined

  constructor (readonly ms: number, readonly owner: Deadlines) {}

  remove (d: Deadline): void {
    if (d.prev === undefined) {
      if (this.head !== d) return
      this.head = d.next
    } else d.prev.next = d.next
    if (d.next === undefined) this.tail = d.prev
    else d.next.prev = d.prev
    d.prev = d.next = undefined
  }

  arm (): void {
    const head = this.armedFor = this.head!
    const clock = this.owner.clock
    this.timer = clock.setTimeout(() => this.fire(), Math.max(0, head.at - clock.now()))
  }

  fire (): void {
    this.timer = undefined
    // The deadline the timer was armed for is due even if the host timer ran a hair early.
    const target = this.armedFor
    this.armedFor = undefined
    const now = this.owner.clock.now()
    for (let d = this.head; d !== undefined && (d === target || d.at <= now); d = this.head) {
      this.remove(d)
      d.target.expire(this.ms)
    }
    if (this.head === undefined) this.owner.drop(this)
    else if (this.timer === undefined) this.arm()
  }
}

export class Deadlines {
  readonly #lists = new Map<number, List>()

  constructor (readonly clock: Clock) {}

  /** `target` expires `ms` from now unless the returned handle is cancelled first. */
  start (ms: number, target: Expirable): TimerHandle {
    let list = this.#lists.get(ms)
    if (list === undefined) this.#lists.set(ms, list = new List(ms, this))
    const d = new Deadline(list, target, this.clock.now() + ms)
    d.prev = list.tail
    if (list.tail === undefined) list.head = d
    else list.tail.next = d
    list.tail = d
    if (list.timer === undefined) list.arm()
    return d
  }

  /** A list its timer found empty goes (a later call with its timeout starts a new one). */
  drop (list: List): void {
    if (this.#lists.get(list.ms) === list) this.#lists.delete(list.ms)
  }
}
