import type { BreakerStrategy } from './strategy.js'

/** Opens after `threshold` failures in a row; any success starts the count again. */
export function consecutiveStrategy (threshold: number): BreakerStrategy {
  let run = 0
  return {
    success () { run = 0 },
    failure () { return ++run >= threshold },
    reset () { run = 0 },
  }
}
