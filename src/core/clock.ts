// Every timer in Sluice goes through a Clock so that breakers, backoff, token buckets, queue
// deadlines and health intervals can be tested by moving time by hand instead of sleeping.

/** A timer started by `Clock.setTimeout`. */
export interface TimerHandle {
  /** Cancels the timer; calling it twice or after it fired is harmless. */
  cancel (): void
}

/** Where Sluice reads time and arms timers; inject a `ManualClock` in tests to move time by hand. */
export interface Clock {
  /** Milliseconds, monotonic within this process (not wall time). */
  now (): number
  /** Wall-clock milliseconds since the epoch, for HTTP dates such as Retry-After. */
  wallNow (): number
  /** Runs `fn` once after `ms`. The timer never keeps the process alive on its own. */
  setTimeout (fn: () => void, ms: number): TimerHandle
}

const origin = Date.now() - performance.now()

// Node cuts a delay above 2^31-1 ms (about 24.8 days) to 1 ms, with a warning, so a config
// duration such as `30d` would turn a deadline into a busy loop. Longer delays run in legs.
const MAX_TIMER_MS = 2 ** 31 - 1

/** The real clock: `performance.now()` and unref'd `setTimeout` (delays past 24.8 days run in legs). */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => origin + performance.now(),
  setTimeout (fn, ms) {
    let left = Math.max(0, ms)
    let t: NodeJS.Timeout
    const arm = (): void => {
      const leg = Math.min(left, MAX_TIMER_MS)
      left -= leg
      t = setTimeout(left === 0 ? fn : arm, leg)
      t.unref()
    }
    arm()
    return { cancel: () => clearTimeout(t) }
  },
}

/** Randomness source in [0, 1); injectable so jitter and P2C are deterministic in tests. */
export type Random = () => number
