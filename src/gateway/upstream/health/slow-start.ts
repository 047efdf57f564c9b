import type { Clock, Random } from '../../../core/clock.js'
import type { Balancer, BalancerTarget, PickContext } from '../balancers/index.js'
import type { TargetHealthState } from './state.js'

/**
 * Slow start (after Envoy's slow_start_config, linear aggression): a target that became available
 * `age` ago, less than `ms`, keeps a request its balancer gave it with probability f = age / ms;
 * otherwise the request is balanced again without it. f rises linearly from 0 to 1 over `ms`.
 *
 * What that does to its share depends on whether the balancer remembers the turn:
 * - weighted (smooth), random, least-request, consistent-hash: the target gets f times the share
 *   it would have (exactly linear; the rest goes where the balancer sends it anyway);
 * - round-robin: the turn it gives away comes back to it on the next request, which is the same
 *   as scaling its weight by f (Envoy's definition): of n equal targets it gets f / (n - 1 + f).
 * With consistent-hash or affinity, the keys and pins it gives away during the ramp go to other
 * targets for those requests.
 *
 * A target that is the only choice keeps every request: a ramp never refuses one.
 */
export function slowStartPick<T extends BalancerTarget & { readonly state: TargetHealthState }> (
  balancer: Balancer<T>,
  ctx: PickContext,
  target: T,
  tried: ReadonlySet<T> | undefined,
  ms: number,
  deps: { clock: Clock, random: Random }
): T {
  const age = deps.clock.now() - target.state.availableSince
  if (age >= ms || deps.random() * ms < age) return target
  const exclude = new Set(tried)
  exclude.add(target)
  return balancer.pick(ctx, exclude) ?? target
}
