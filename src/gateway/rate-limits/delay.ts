// Delay mode's wait: a request whose slot was reserved a little ahead sleeps until it, on the
// request's clock, and is freed the moment its client leaves. Waiting requests are bounded per
// process by a room (kept across reloads like the store): when it is full, delay-mode limits
// decide as in reject mode, so a flood can hold no more than `maxDelayed` sockets and timers.

import type { Clock } from '../../core/clock.js'
import { AbortedError } from '../../errors.js'

export interface WaitingRoom {
  readonly capacity: number
  /** Requests waiting now. */
  readonly size: number
  /** Takes a place; false when the room is full. */
  enter (): boolean
  leave (): void
}

export function createWaitingRoom (capacity: number): WaitingRoom {
  let size = 0
  return {
    capacity,
    get size () { return size },
    enter () {
      if (size >= capacity) return false
      size++
      return true
    },
    leave () { size = Math.max(0, size - 1) },
  }
}

/** Resolves after `ms` on `clock`; rejects with AbortedError as soon as `signal` aborts. */
export function waitForSlot (clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortedError('The client left while waiting for its rate-limit slot', { cause: signal.reason }))
      return
    }
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    function onAbort (): void {
      timer.cancel()
      reject(new AbortedError('The client left while waiting for its rate-limit slot', { cause: signal.reason }))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
