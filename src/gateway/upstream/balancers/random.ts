import { isEligible } from './balancer.js'
import type { Balancer, BalancerTarget, PickContext } from './balancer.js'
import type { Random } from '../../../core/clock.js'

/** Picks an eligible target with probability proportional to its weight. */
export function createWeightedRandom<T extends BalancerTarget> (
  targets: readonly T[],
  options: { random?: Random } = {}
): Balancer<T> {
  const random = options.random ?? Math.random
  return {
    pick (_ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined {
      let total = 0
      let last: T | undefined
      for (const t of targets) {
        if (!isEligible(t, exclude)) continue
        total += t.weight
        last = t
      }
      if (last === undefined) return undefined
      let r = random() * total
      for (const t of targets) {
        if (!isEligible(t, exclude)) continue
        r -= t.weight
        if (r < 0) return t
      }
      // Float rounding can leave r at a hair above 0 after the last subtraction.
      return last
    },
  }
}
