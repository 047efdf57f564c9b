import type { Clock, TimerHandle } from './clock.js'

interface Pending { at: number, seq: number, fn: () => void, live: boolean }

/**
 * A clock that only moves when told to. Timers fire in due order (FIFO among equal due times)
 * during `advance`, each seeing `now()` equal to its own due time.
 */
export class ManualClock implements Clock {
  #now: number
  #epoch: number
  #seq = 0
  #timers: Pending[] = []

  constructor (start = 0, epoch = Date.UTC(2026, 0, 1)) {
    this.#now = start
    this.#epoch = epoch
  }

  now (): number { return this.#now }
  wallNow (): number { return this.#epoch + this.#now }

  setTimeout (fn: () => void, ms: number): TimerHandle {
    const p: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, live: true }
    this.#timers.push(p)
    return { cancel: () => { p.live = false } }
  }

  /** Number of timers still waiting to fire. */
  get pending (): number { return this.#timers.filter(t => t.live).length }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance (ms: number): void {
    const end = this.#now + ms
    for (;;) {
      this.#timers = this.#timers.filter(t => t.live)
      let next: Pending | undefined
      for (const t of this.#timers) {
        if (t.at <= end && (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t
      }
      if (next === undefined) break
      next.live = false
      this.#now = Math.max(this.#now, next.at)
      next.fn()
    }
    this.#now = end
  }

  /** Advances, letting promise callbacks run between timers: for code that awaits after a timer fires. */
  async tick (ms: number, step = ms): Promise<void> {
    let left = ms
    while (left > 0) {
      const d = Math.min(step, left)
      this.advance(d)
      left -= d
      for (let i = 0; i < 10; i++) await Promise.resolve()
      await new Promise<void>(resolve => setImmediate(resolve))
    }
    if (ms === 0) await new Promise<void>(resolve => setImmediate(resolve))
  }
}
