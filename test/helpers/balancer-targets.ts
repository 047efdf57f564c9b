import type { IncomingHttpHeaders } from 'node:http'
import type { BalancerTarget, PickContext } from '../../src/gateway/upstream/balancers/balancer.js'

/** Targets http://t0:80, http://t1:80, … with the given weights, all healthy and idle. */
export function makeTargets (weights: readonly number[], prefix = 't'): BalancerTarget[] {
  return weights.map((weight, i) => ({ id: `http://${prefix}${i}:80`, weight, inFlight: 0, health: 'healthy' as const }))
}

export function makeCtx (headers: IncomingHttpHeaders = {}, clientIp = '127.0.0.1'): PickContext {
  return { headers, clientIp, secure: false }
}

/** How many of `picks` picks went to each target, in target order. */
export function countPicks<T extends BalancerTarget> (
  targets: readonly T[], picks: number, pick: (i: number) => T | undefined
): number[] {
  const counts = targets.map(() => 0)
  for (let i = 0; i < picks; i++) {
    const t = pick(i)
    if (t === undefined) throw new Error('no target picked')
    counts[targets.indexOf(t)]!++
  }
  return counts
}
