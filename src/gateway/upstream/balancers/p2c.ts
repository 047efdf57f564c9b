import { isEligible } from './balancer.js'
import type { Balancer, BalancerTarget, PickContext } from './balancer.js'
import type { Random } from '../../../core/clock.js'

/**
 * Least request by power of two choices (Mitzenmacher; Envoy's LEAST_REQUEST): sample two distinct
 * eligible targets uniformly and keep the one with fewer requests in flight, the heavier one on a
 * tie. Two random samples avoid the herd a strict "global least" causes when many picks happen
 * before in-flight counts catch up, at O(n) and without allocating.
 */
export function createP2C<T extends BalancerTarget> (
  targets: readonly T[],
  options: { random?: Random } = {}
): Balancer<T> {
  const random = options.random ?? Math.random

  function nth (n: number, exclude: ReadonlySet<T> | undefined): T {
    for (const t of targets) {
      if (isEligible(t, exclude) && n-- === 0) return t
    }
    throw new Error('unreachable: fewer eligible targets than counted')
  }

  return {
    pick (_ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined {
      let count = 0
      let only: T | undefined
      for (const t of targets) {
        if (isEligible(t, exclude)) {
          count++
          only = t
        }
      }
      if (count <= 1) return only
      const i = Math.floor(random() * count)
      let j = Math.floor(random() * (count - 1))
      if (j >= i) j++
      const a = nth(i, exclude)
      const b = nth(j, exclude)
      if (a.inFlight !== b.inFlight) return a.inFlight < b.inFlight ? a : b
      return b.weight > a.weight ? b : a
    },
  }
}
