import { isEligible } from './balancer.js'
import type { Balancer, BalancerTarget, PickContext } from './balancer.js'

/**
 * nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every eligible target gains
 * its weight, the richest is chosen and pays back the sum of the weights that took part. Weights
 * 5,1,1 give a a b a c a a, so a heavy target's share is spread out instead of sent in bursts.
 * Targets that are unavailable or excluded sit the round out, exactly as nginx skips failed peers.
 */
export function createSmoothWeighted<T extends BalancerTarget> (targets: readonly T[]): Balancer<T> {
  const current = new Float64Array(targets.length)
  return {
    pick (_ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined {
      let best = -1
      let total = 0
      for (let i = 0; i < targets.length; i++) {
        const t = targets[i] as T
        if (!isEligible(t, exclude)) continue
        current[i] = (current[i] as number) + t.weight
        total += t.weight
        if (best === -1 || (current[i] as number) > (current[best] as number)) best = i
      }
      if (best === -1) return undefined
      current[best] = (current[best] as number) - total
      return targets[best]
    },
  }
}
