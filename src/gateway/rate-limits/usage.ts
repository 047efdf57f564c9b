// Where a consumer stands on its plan's limits, for GET /admin/consumers/{id}/usage: the counters
// the `{ plan: true }` entries of every route charge (stages/rate-limits.ts), read without
// charging them. A consumer is one of `consumers`; its plan is resolved as a request's would be
// (an unknown or absent plan gets rateLimiting.defaultPlan).

import type { Clock } from '../../core/clock.js'
import type { GatewayConfig } from '../../config/schema/index.js'
import { consumerPart } from './keys.js'
import { compilePlans, planKey } from './limits.js'
import { useLimiterStore } from './store.js'
import type { BatchStore, StoreDeps } from './store.js'

export interface LimitUsage {
  name: string
  algorithm: string
  quota: boolean
  requests: number
  per: string | number
  /** What the counter holds when unused (a bucket's burst, a window's requests). */
  limit: number
  used: number
  remaining: number
  /** ISO time (UTC) when every use has run out: the bucket full again, the window over. */
  reset: string
  /** Whole seconds until `reset`, rounded up (the `t` of the RateLimit header). */
  resetSeconds: number
}

export interface ConsumerUsage {
  consumer: string
  /** The plan whose limits apply; null when none does (no plan and no defaultPlan). */
  plan: string | null
  limits: LimitUsage[]
}

/** Undefined for a consumer the config does not list. */
export type UsageReader = (consumer: string) => Promise<ConsumerUsage | undefined>

/**
 * The reader for a snapshot's config, on the store its `{ plan: true }` entries charge (the same
 * keyed resource). Without plans nothing is counted, and the store is not opened for it.
 */
export function usageReaderFor (config: GatewayConfig, deps: StoreDeps): UsageReader {
  if (config.plans === undefined) {
    return async id => Object.hasOwn(config.consumers ?? {}, id) ? { consumer: id, plan: null, limits: [] } : undefined
  }
  return createUsageReader(config, useLimiterStore(config.rateLimiting.store, deps), deps.clock)
}

export function createUsageReader (config: GatewayConfig, store: BatchStore, clock: Clock): UsageReader {
  const plans = compilePlans(config.plans)
  return async (id) => {
    const consumers = config.consumers ?? {}
    if (!Object.hasOwn(consumers, id)) return undefined
    const named = consumers[id]!.plan
    const planName = named !== undefined && plans.has(named) ? named : config.rateLimiting.defaultPlan
    const plan = planName === undefined ? undefined : plans.get(planName)
    if (plan === undefined) return { consumer: id, plan: null, limits: [] }
    const who = consumerPart(id)
    const requests = plan.limits.map(l => ({ key: planKey(plan.name, l, who), cost: 0, rule: l.rule }))
    const usage = await store.peekAll(requests)
    const wall = clock.wallNow()
    const source = config.plans![plan.name]!
    return {
      consumer: id,
      plan: plan.name,
      limits: plan.limits.map((l, i) => {
        const u = usage[i]!
        return {
          name: l.name,
          algorithm: l.algorithm,
          quota: l.isQuota,
          requests: l.quota,
          per: source[i]!.per,
          limit: l.capacity,
          used: Math.max(0, l.capacity - u.remaining),
          remaining: u.remaining,
          reset: new Date(wall + u.resetMs).toISOString(),
          resetSeconds: Math.ceil(u.resetMs / 1000),
        }
      }),
    }
  }
}
