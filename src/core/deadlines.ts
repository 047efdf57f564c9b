// One deadline list for a fixed timeout: the gateway's per-upstream response deadline and the
// timeout policy's per-attempt deadline both run on it. Every
// entry gets the same timeout, so deadlines fall due in the order the entries were added: a FIFO
// list with one Clock timer armed for its head is enough (Node keeps its own timer lists the same
// way). An entry that finishes in time unlinks itself in O(1) and leaves the timer alone; when the
// timer fires early because its entry already left, it re-arms for the new head. So an entry
// costs no timer, no closure and no AbortController, and the list fires about one timer per
// timeout period.

import type { Clock, TimerHandle } from './clock.js'

/** An entry is its own list node, so adding one allocates nothing. */
export abstract class Deadlined {
  deadlineAt = 0
  deadlinePrev: Deadlined | undefined = undefined
  deadlineNext: Deadlined | undefined = undefined
  deadlineQueued = false
  /** Called once, when the deadline passes while the entry is still queued. */
  abstract onDeadline (): void
}

export class DeadlineQueue {
  readonly ms: number
  readonly #clock: Clock
  #head: Deadlined | undefined = undefined
  #tail: Deadlined | undefined = undefined
  #timer: TimerHandle | undefined = undefined
  #expiring = false
  readonly #fire = (): void => { this.#expire() }

  constructor (ms: number, clock: Clock) {
    this.ms = ms
    this.#clock = clock
  }

  add (e: Deadlined): void {
    e.deadlineAt = this.#clock.now() + this.ms
    e.deadlineQueued = true
    e.deadlinePrev = this.#tail
    e.deadlineNext = undefined
    if (this.#tail === undefined) this.#head = e
    else this.#tail.deadlineNext = e
    this.#tail = e
    if (!this.#expiring) this.#timer ??= this.#clock.setTimeout(this.#fire, this.ms)
  }

  remove (e: Deadlined): void {
    if (!e.deadlineQueued) return
    e.deadlineQueued = false
    const { deadlinePrev: prev, deadlineNext: next } = e
    if (prev === undefined) this.#head = next
    else prev.deadlineNext = next
    if (next === undefined) this.#tail = prev
    else next.deadlinePrev = prev
    e.deadlinePrev = undefined
    e.deadlineNext = undefined
  }

  /** Entries still waiting (for tests and diagnostics; walks the list). */
  get size (): number {
    let n = 0
    for (let e = this.#head; e !== undefined; e = e.deadlineNext) n++
    return n
  }

  #expire (): void {
    this.#timer = undefined
    const now = this.#clock.now()
    // Entries added by an onDeadline callback (a retry, say) must not arm a second timer.
    this.#expiring = true
    let e = this.#head
    try {
      while (e !== undefined && e.deadlineAt <= now) {
        this.remove(e)
        e.onDeadline()
        e = this.#head
      }
    } finally {
      this.#expiring = false
      e = this.#head
      if (e !== undefined) this.#timer = this.#clock.setTimeout(this.#fire, e.deadlineAt - now)
    }
  }
}
