import { ConfigError } from '../../../errors.js'
import { createConsistentHash } from './consistent-hash.js'
import { withCookieAffinity } from './cookie-affinity.js'
import { createP2C } from './p2c.js'
import { createWeightedRandom } from './random.js'
import { createRoundRobin } from './round-robin.js'
import { createSmoothWeighted } from './smooth-weighted.js'
import type { Balancer, BalancerKind, BalancerOptions, BalancerTarget } from './balancer.js'

export type {
  Balancer, BalancerKind, BalancerOptions, BalancerTarget, PickContext, AffinityOptions, TargetHealth,
} from './balancer.js'

type Factory = <T extends BalancerTarget> (targets: readonly T[], options: BalancerOptions) => Balancer<T>

/** The only place balancer names meet code. */
export const balancers: Readonly<Record<BalancerKind, Factory>> = Object.freeze({
  'round-robin': (targets) => createRoundRobin(targets),
  weighted: (targets) => createSmoothWeighted(targets),
  'least-request': (targets, options) => createP2C(targets, options),
  random: (targets, options) => createWeightedRandom(targets, options),
  'consistent-hash': (targets, options) => createConsistentHash(targets, options),
})

/**
 * Builds a balancer once per upstream (per snapshot); `pick` then runs per request. Throws
 * ConfigError for an unknown kind, duplicate ids, weights that are not integers >= 1, a bad
 * `hashOn` or bad affinity options.
 */
export function createBalancer<T extends BalancerTarget> (
  kind: BalancerKind,
  targets: readonly T[],
  options: BalancerOptions = {}
): Balancer<T> {
  const factory = Object.hasOwn(balancers, kind) ? balancers[kind] : undefined
  if (factory === undefined) throw new ConfigError([`balancer: unknown kind "${kind}"`])
  checkTargets(targets)
  const balancer = factory(targets, options)
  return options.affinity === undefined ? balancer : withCookieAffinity(balancer, targets, options.affinity)
}

function checkTargets (targets: readonly BalancerTarget[]): void {
  const issues: string[] = []
  const ids = new Set<string>()
  for (const t of targets) {
    if (ids.has(t.id)) issues.push(`balancer targets: duplicate target "${t.id}"`)
    ids.add(t.id)
    if (!Number.isInteger(t.weight) || t.weight < 1) {
      issues.push(`balancer targets: weight of "${t.id}" must be an integer >= 1, got ${t.weight}`)
    }
  }
  if (issues.length > 0) throw new ConfigError(issues)
}
