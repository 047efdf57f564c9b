import type { Clock } from '../clock.js'
import { RollingWindow } from '../rolling-window.js'
import type { BreakerStrategy } from './strategy.js'

export interface RatioOptions {
  /** Open when failures / calls reaches this, in (0, 1]. */
  failureRatio: number
  /** …and at least this many calls were seen in the window, so one early failure cannot trip it. */
  minimumRequests: number
  windowMs: number
}

const SUCCESS = 0
const FAILURE = 1

/** Opens on a failure ratio over a rolling, bucketed window (Hystrix/resilience4j style). */
export function ratioStrategy (opts: RatioOptions, clock: Clock): BreakerStrategy {
  const { failureRatio, minimumRequests, windowMs } = opts
  const window = new RollingWindow(windowMs, 2, clock)
  return {
    success () { window.add(SUCCESS) },
    failure () {
      window.add(FAILURE)
      const failures = window.sum(FAILURE)
      const total = failures + window.sum(SUCCESS)
      return total >= minimumRequests && failures / total >= failureRatio
    },
    reset () { window.reset() },
  }
}
