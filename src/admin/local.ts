// The admin views of one gateway process, built from its live snapshot on each request (the
// admin API is off the hot path: nothing here is precomputed or cached).

import type { Clock } from '../core/clock.js'
import { GatewayConfigSchema } from '../config/schema/index.js'
import { RouteSchema } from '../config/schema/routes.js'
import type { Gateway } from '../gateway/gateway.js'
import { packageVersion } from '../cli/package-files.js'
import { redactConfig } from './redact.js'
import { StatsSampler } from './stats/sampler.js'
import { summarize } from './stats/summary.js'
import type { StatsView } from './stats/summary.js'
import type { StatsWindow } from './stats/window.js'
import type { AdminTarget } from './routes.js'
import type { AdminViews, ProcessStatus, RouteView, ViewName } from './views.js'

export interface LocalAdminTarget extends AdminTarget {
  /** This process's raw window (what a cluster worker sends its primary). */
  window (seconds: number): Promise<StatsWindow>
}

export function localAdminTarget (
  gateway: Gateway, clock: Clock, options: { workers?: number } = {}
): LocalAdminTarget {
  const sampler = new StatsSampler(gateway.metrics, clock)
  const version = packageVersion()

  function processStatus (): ProcessStatus {
    const s = gateway.reloads.state
    return {
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
      serving: gateway.serving,
      configHash: s.configHash,
      loadedAt: s.loadedAt,
      lastReload: s.lastReload ?? null,
      reloads: [...s.reloads],
    }
  }

  const views: { [K in ViewName]: () => AdminViews[K] } = {
    status: () => ({
      version,
      mode: (options.workers ?? 1) > 1 ? 'cluster' : 'single',
      workers: options.workers ?? 1,
      configFile: gateway.configPath,
      ...processStatus(),
    }),
    routes: () => {
      const snapshot = gateway.snapshot
      const byName = new Map(snapshot.config.routes.map(r => [r.name, r]))
      return {
        routes: snapshot.router.ordered.map((def): RouteView => {
          const r = byName.get(def.name)!
          const view: RouteView = {
            name: r.name,
            priority: r.priority,
            match: r.match,
            upstream: r.upstream,
            stages: def.payload.stages.map(s => s.name),
            preserveHost: r.preserveHost,
          }
          if (r.stripPrefix !== undefined) view.stripPrefix = r.stripPrefix
          if (r.rewrite !== undefined) view.rewrite = r.rewrite
          if (r.maxBodySize !== undefined) view.maxBodySize = r.maxBodySize
          // Header and query match values may be credentials: the config view's rules apply.
          return redactConfig(RouteSchema, view) as RouteView
        }),
      }
    },
    upstreams: () => ({ upstreams: [...gateway.snapshot.upstreams.values()].map(u => u.snapshot()) }),
    config: () => ({
      configFile: gateway.configPath,
      configHash: gateway.reloads.state.configHash,
      config: redactConfig(GatewayConfigSchema, gateway.config),
    }),
  }

  return {
    get serving () { return gateway.serving },
    metrics: gateway.metrics,
    reload: () => gateway.reload(),
    view: async (name) => views[name](),
    window: (seconds) => sampler.window(seconds),
    stats: async (seconds): Promise<StatsView> => summarize([await sampler.window(seconds)]),
    usage: id => gateway.snapshot.usage(id),
  }
}
