import { isEligible } from './balancer.js'
import type { Balancer, BalancerTarget, PickContext } from './balancer.js'

/** Cycles through targets in list order, ignoring weights (`weighted` honours them). */
export function createRoundRobin<T extends BalancerTarget> (targets: readonly T[]): Balancer<T> {
  let next = 0
  return {
    pick (_ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined {
      const n = targets.length
      for (let i = 0; i < n; i++) {
        const idx = (next + i) % n
        const t = targets[idx] as T
        if (isEligible(t, exclude)) {
          next = (idx + 1) % n
          return t
        }
      }
      return undefined
    },
  }
}
