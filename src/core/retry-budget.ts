import type { Clock } from './clock.js'
import { systemClock } from './clock.js'
import { InvalidOptionsError } from '../errors.js'
import { RollingWindow } from './rolling-window.js'

export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of requests seen in the window [0.2]. */
  ratio: number
  /** Retries always allowed per second, so a quiet service can still retry [3]. */
  minPerSecond: number
  /** Length of the sliding window, in ms [10000]. */
  windowMs: number
}

export const DEFAULT_RETRY_BUDGET: Readonly<RetryBudgetOptions> =
  Object.freeze({ ratio: 0.2, minPerSecond: 3, windowMs: 10_000 })

/**
 * Caps retries to a share of traffic (Finagle/Envoy retry budgets), so a failing upstream sees at most
 * `1 + ratio` times its normal load instead of `attempts` times. One budget may serve several policies.
 */
export interface RetryBudget {
  /** Counts a new call (first attempts only). */
  recordRequest (): void
  /** True, and counts the retry, when the window still has room for one. */
  tryRetry (): boolean
  readonly requests: number
  readonly retries: number
}

const REQUESTS = 0
const RETRIES = 1

/** Creates a retry budget that one or several retry policies can share (`RetryOptions.budget`). */
export function createRetryBudget (opts: RetryBudgetOptions, clock: Clock = systemClock): RetryBudget {
  const { ratio, minPerSecond, windowMs } = opts
  if (!(ratio >= 0) || !(minPerSecond >= 0) || !(windowMs > 0)) {
    throw new InvalidOptionsError(`retry budget needs ratio >= 0, minPerSecond >= 0, windowMs > 0 (got ${ratio}, ${minPerSecond}, ${windowMs})`)
  }
  const window = new RollingWindow(windowMs, 2, clock)
  const floor = minPerSecond * windowMs / 1000
  return {
    recordRequest () { window.add(REQUESTS) },
    tryRetry () {
      if (window.sum(RETRIES) >= Math.max(floor, ratio * window.sum(REQUESTS))) return false
      window.add(RETRIES)
      return true
    },
    get requests () { return window.sum(REQUESTS) },
    get retries () { return window.sum(RETRIES) },
  }
}

export function isRetryBudget (b: unknown): b is RetryBudget {
  return typeof b === 'object' && b !== null && typeof (b as RetryBudget).tryRetry === 'function'
}
