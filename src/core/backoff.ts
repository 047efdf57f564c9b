import type { Random } from './clock.js'

export interface BackoffOptions {
  /** Upper bound of the first retry's delay, in ms. */
  baseMs: number
  /** Upper bound of any delay, in ms. */
  maxMs: number
}

/**
 * Exponential backoff with full jitter: a uniform pick in [0, min(maxMs, baseMs · 2^(attempt−1))).
 * Full jitter rather than equal or decorrelated jitter because it spreads synchronized clients the
 * most for the same expected wait (AWS Architecture Blog, "Exponential Backoff And Jitter").
 * `attempt` is 1 for the first retry.
 */
export function backoffDelay (attempt: number, { baseMs, maxMs }: BackoffOptions, random: Random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (Math.max(1, attempt) - 1))
  return random() * ceiling
}
