// The `rateLimits` stage: every limit that applies to a request (the route's own, and the
// consumer's plan where the route lists `{ plan: true }`) is decided in one store call, which
// charges all of them or none, so a request refused by one limit costs the others nothing.
// Counter keys: `r|<route>|<limit id>|<key>` for a route's limits (one route's `per-ip` never
// shares a counter with another route's) and `p|<plan>|<limit id>|<consumer>` for plan limits
// (the consumer's wherever it calls from). Keys are built from client input in keys.ts, bounded.
//
// Delay mode: the store reserves a slot up to `maxDelay` ahead instead of refusing (the whole
// batch still charged all or nothing), and the request waits for the latest of its slots before it
// goes on; a client that leaves first gets every reservation refunded. A place in the process's
// waiting room is taken before deciding, so a full room decides as reject mode and nothing waits.
//
// A store that could not decide (Redis down) answers `degraded` with its onStoreError: `allow`
// passes the request without limit fields or decision counts (nothing was decided; the store
// counts and logs its errors), `deny` refuses it with 503 SLC_STORE_UNAVAILABLE.

import type { Clock } from '../../core/clock.js'
import type { GatewayConfig, StageOptions } from '../../config/schema/index.js'
import type { Decision, TakeRequest } from '../../core/limiter/limiter.js'
import { QuotaExceededError, RateLimitedError, StoreUnavailableError } from '../../errors.js'
import type { RequestContext, Stage } from '../contract.js'
import { addLimitFields } from '../rate-limits/fields.js'
import { compileKey } from '../rate-limits/keys.js'
import type { KeyFn } from '../rate-limits/keys.js'
import { compileLimit, compilePlans, planKey } from '../rate-limits/limits.js'
import type { CompiledLimit } from '../rate-limits/limits.js'
import { useLimiterStore, useWaitingRoom } from '../rate-limits/store.js'
import { waitForSlot } from '../rate-limits/delay.js'
import { DecisionCounts } from '../rate-limits/decision-counts.js'
import type { StoreLogger } from '../../core/limiter/store-health.js'
import type { Metrics } from '../../observability/metrics.js'
import type { ResourceSet } from '../resources.js'

/** What the factory uses of the registry's StageDeps (declared here: importing it would be a cycle). */
export interface RateLimitsDeps {
  readonly clock: Clock
  readonly logger: StoreLogger
  readonly metrics: Metrics
  readonly config: GatewayConfig
  readonly resources: ResourceSet
}

export function createRateLimitsStage (options: StageOptions['rateLimits'], deps: RateLimitsDeps): Stage {
  const { rateLimiting, plans } = deps.config
  const { clock } = deps
  const store = useLimiterStore(rateLimiting.store, deps)
  const room = useWaitingRoom(rateLimiting.maxDelayed, deps)
  const mode = rateLimiting.headers
  const own: Array<CompiledLimit & { key: KeyFn }> = []
  for (const o of options) {
    if (o.plan === true) continue
    // check-stages.ts has made sure a non-plan entry has its name, requests and per.
    const limit = compileLimit({ ...o, name: o.name!, requests: o.requests!, per: o.per! })
    own.push({ ...limit, key: compileKey(o.key) })
  }
  const usesPlan = options.some(o => o.plan === true)
  const planTable = compilePlans(plans)
  const defaultPlan = rateLimiting.defaultPlan === undefined ? undefined : planTable.get(rateLimiting.defaultPlan)
  const byConsumer = compileKey('consumer')
  const mayDelay = own.some(l => l.maxDelayMs > 0) ||
    (usesPlan && [...planTable.values()].some(p => p.limits.some(l => l.maxDelayMs > 0)))

  const counts = new DecisionCounts(deps.metrics)

  function conclude (
    ctx: RequestContext, route: string, limits: readonly CompiledLimit[], requests: readonly TakeRequest[],
    ds: readonly Decision[], waiting: boolean
  ): undefined | Promise<undefined> {
    if (ds[0]!.degraded === true) {
      if (waiting) room.leave()
      if (ds[0]!.ok) return undefined
      throw new StoreUnavailableError('Rate-limit store unavailable')
    }
    let refused = -1
    let closest = -1
    let wait = 0
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!
      if (!d.ok) {
        if (refused < 0 || d.retryAfterMs > (ds[refused] as { retryAfterMs: number }).retryAfterMs) refused = i
        continue
      }
      if (d.delayMs !== undefined && d.delayMs > wait) wait = d.delayMs
      if (closest < 0 || d.remaining < ds[closest]!.remaining ||
        (d.remaining === ds[closest]!.remaining && d.resetMs > ds[closest]!.resetMs)) {
        closest = i
      }
    }
    const shown = refused >= 0 ? refused : closest
    const l = limits[shown]!
    const d = ds[shown]!
    addLimitFields(ctx, mode, {
      name: l.name, quota: l.quota, windowS: l.windowS(clock.wallNow()), remaining: d.remaining, resetMs: d.resetMs,
    })
    if (refused >= 0) {
      if (waiting) room.leave()
      for (let i = 0; i < ds.length; i++) if (!ds[i]!.ok) counts.count(route, limits[i]!, 'rejected')
      const retryAfterMs = (d as { retryAfterMs: number }).retryAfterMs
      throw l.isQuota ? new QuotaExceededError(retryAfterMs) : new RateLimitedError(retryAfterMs)
    }
    for (let i = 0; i < ds.length; i++) {
      counts.count(route, limits[i]!, (ds[i] as { delayMs?: number }).delayMs === undefined ? 'allowed' : 'delayed')
    }
    if (!waiting) return undefined
    if (wait === 0) {
      room.leave()
      return undefined
    }
    return waitForSlot(clock, wait, ctx.signal).then(() => {
      room.leave()
      return undefined
    }, async (err: unknown) => {
      room.leave()
      await store.refundAll(requests, ds)
      throw err
    })
  }

  return {
    name: 'rateLimits',
    onRequest (ctx) {
      const route = ctx.route?.name ?? ''
      const limits: CompiledLimit[] = []
      const requests: TakeRequest[] = []
      const waiting = mayDelay && room.enter()
      const take = (key: string, l: CompiledLimit): void => {
        limits.push(l)
        requests.push(waiting && l.maxDelayMs > 0
          ? { key, cost: 1, rule: l.rule, maxDelayMs: l.maxDelayMs }
          : { key, cost: 1, rule: l.rule })
      }
      for (const l of own) take(`r|${route}|${l.id}|${l.key(ctx)}`, l)
      if (usesPlan) {
        // A plan the config does not know (a consumer store ahead of the config) gets the default plan.
        const named = ctx.consumer?.plan
        const plan = (named === undefined ? undefined : planTable.get(named)) ?? defaultPlan
        if (plan !== undefined) {
          const who = byConsumer(ctx)
          for (const l of plan.limits) take(planKey(plan.name, l, who), l)
        }
      }
      if (requests.length === 0) {
        if (waiting) room.leave()
        return undefined
      }
      const ds = store.takeAll(requests)
      if (Array.isArray(ds)) return conclude(ctx, route, limits, requests, ds, waiting)
      return ds.then(d => conclude(ctx, route, limits, requests, d, waiting), (err: unknown) => {
        if (waiting) room.leave()
        throw err
      })
    },
  }
}
