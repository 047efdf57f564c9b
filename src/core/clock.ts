// Every timer in Sluice goes through a Clock so that breakers, backoff, token buckets, queue
// deadlines and health intervals can be tested by moving time by hand instead of sleeping.

export interface TimerHandle {
  /** Cancels the timer; calling it twice or after it fired is harmless. */
  cancel (): void
}

export interface Clock {
  /** Milliseconds, monotonic within this process (not wall time). */
  now (): number
  /** Wall-clock milliseconds since the epoch, for HTTP dates such as Retry-After. */
  wallNow (): number
  /** Runs `fn` once after `ms`. The timer never keeps the process alive on its own. */
  setTimeout (fn: () => void, ms: number): TimerHandle
}

const origin = Date.now() - performance.now()

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => origin + performance.now(),
  setTimeout (fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms))
    t.unref()
    return { cancel: () => clearTimeout(t) }
  },
}

/** Randomness source in [0, 1); injectable so jitter and P2C are deterministic in tests. */
export type Random = () => number
