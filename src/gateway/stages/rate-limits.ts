// The `rateLimits` stage: every limit that applies to a request (the route's own, and the
// consumer's plan where the route lists `{ plan: true }`) is decided in one store call, which
// charges all of them or none, so a request refused by one limit costs the others nothing.
// Counter keys: `r|<route>|<limit id>|<key>` for a route's limits (one route's `per-ip` never
// shares a counter with another route's) and `p|<plan>|<limit id>|<consumer>` for plan limits
// (the consumer's wherever it calls from). Keys are built from client input in keys.ts, bounded.

import type { Clock } from '../../core/clock.js'
import type { GatewayConfig, StageOptions } from '../../config/schema/index.js'
import type { Decision, TakeRequest } from '../../core/limiter/limiter.js'
import { RateLimitedError } from '../../errors.js'
import type { RequestContext, Stage } from '../contract.js'
import { addLimitFields } from '../rate-limits/fields.js'
import { compileKey } from '../rate-limits/keys.js'
import type { KeyFn } from '../rate-limits/keys.js'
import { compileLimit } from '../rate-limits/limits.js'
import type { CompiledLimit } from '../rate-limits/limits.js'
import { useLimiterStore } from '../rate-limits/store.js'
import type { Metrics } from '../../observability/metrics.js'
import type { ResourceSet } from '../resources.js'

type Result = 'allowed' | 'rejected'

/** What the factory uses of the registry's StageDeps (declared here: importing it would be a cycle). */
export interface RateLimitsDeps {
  readonly clock: Clock
  readonly metrics: Metrics
  readonly config: GatewayConfig
  readonly resources: ResourceSet
}

export function createRateLimitsStage (options: StageOptions['rateLimits'], deps: RateLimitsDeps): Stage {
  const { rateLimiting, plans } = deps.config
  const store = useLimiterStore(rateLimiting.store, deps)
  const mode = rateLimiting.headers
  const own: Array<CompiledLimit & { key: KeyFn }> = []
  for (const o of options) {
    if (o.plan === true) continue
    // check-stages.ts has made sure a non-plan entry has its name, requests and per.
    const limit = compileLimit({ name: o.name!, requests: o.requests!, per: o.per!, burst: o.burst })
    own.push({ ...limit, key: compileKey(o.key) })
  }
  const usesPlan = options.some(o => o.plan === true)
  const planTable = new Map(Object.entries(plans ?? {})
    .map(([name, ls]) => [name, { name, limits: ls.map(compileLimit) }]))
  const defaultPlan = rateLimiting.defaultPlan === undefined ? undefined : planTable.get(rateLimiting.defaultPlan)
  const byConsumer = compileKey('consumer')

  const counter = deps.metrics.rateLimitDecisions
  const children = new Map<string, { inc (): void }>()
  function count (route: string, limit: string, result: Result): void {
    const k = `${route}|${limit}|${result}`
    let c = children.get(k)
    if (c === undefined) children.set(k, c = counter.labels(route, limit, result))
    c.inc()
  }

  function conclude (
    ctx: RequestContext, route: string, limits: readonly CompiledLimit[], ds: readonly Decision[]
  ): undefined {
    let refused = -1
    let closest = -1
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!
      if (!d.ok) {
        if (refused < 0 || d.retryAfterMs > (ds[refused] as { retryAfterMs: number }).retryAfterMs) refused = i
      } else if (closest < 0 || d.remaining < ds[closest]!.remaining ||
        (d.remaining === ds[closest]!.remaining && d.resetMs > ds[closest]!.resetMs)) {
        closest = i
      }
    }
    const shown = refused >= 0 ? refused : closest
    const l = limits[shown]!
    const d = ds[shown]!
    addLimitFields(ctx, mode, {
      name: l.name, quota: l.quota, windowS: l.windowS, remaining: d.remaining, resetMs: d.resetMs,
    })
    if (refused < 0) {
      for (const limit of limits) count(route, limit.name, 'allowed')
      return undefined
    }
    for (let i = 0; i < ds.length; i++) if (!ds[i]!.ok) count(route, limits[i]!.name, 'rejected')
    throw new RateLimitedError((d as { retryAfterMs: number }).retryAfterMs)
  }

  return {
    name: 'rateLimits',
    onRequest (ctx) {
      const route = ctx.route?.name ?? ''
      const limits: CompiledLimit[] = []
      const requests: TakeRequest[] = []
      for (const l of own) {
        limits.push(l)
        requests.push({ key: `r|${route}|${l.id}|${l.key(ctx)}`, cost: 1, rule: l.rule })
      }
      if (usesPlan) {
        // A plan the config does not know (a consumer store ahead of the config) gets the default plan.
        const named = ctx.consumer?.plan
        const plan = (named === undefined ? undefined : planTable.get(named)) ?? defaultPlan
        if (plan !== undefined) {
          const who = byConsumer(ctx)
          for (const l of plan.limits) {
            limits.push(l)
            requests.push({ key: `p|${plan.name}|${l.id}|${who}`, cost: 1, rule: l.rule })
          }
        }
      }
      if (requests.length === 0) return undefined
      const ds = store.takeAll(requests)
      if (Array.isArray(ds)) return conclude(ctx, route, limits, ds)
      return ds.then(d => conclude(ctx, route, limits, d))
    },
  }
}
