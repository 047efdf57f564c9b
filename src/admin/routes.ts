// The admin endpoints. Each handler is small on purpose: the gateway owns the behaviour (serving
// state, metrics registry, reload, the views); this file only translates it to HTTP. Add an
// endpoint by adding an entry (route-table.ts matches `{param}` segments).

import type { ServerResponse } from 'node:http'
import type { ConfigError } from '../errors.js'
import { InternalError } from '../errors.js'
import { dashboardRoutes } from './dashboard.js'
import { openApiDocument } from './openapi.js'
import { sendJson, sendError } from './respond.js'
import type { AdminRoute } from './route-table.js'
import { MAX_WINDOW_S } from './stats/sampler.js'
import type { StatsView } from './stats/summary.js'
import type { ConsumerUsage } from '../gateway/rate-limits/usage.js'
import { usageRoute } from './usage.js'
import { validatePosted } from './validate.js'
import type { AdminViews, ViewName } from './views.js'

/** The part of a gateway the admin listener needs (structural, so a cluster primary can offer it too). */
export interface AdminTarget {
  /** Readiness: serving traffic, not draining, config loaded. */
  readonly serving: boolean
  /** Anything with a prom-client-like registry: a gateway's own, or the cluster aggregate. */
  readonly metrics: { readonly registry: { readonly contentType: string, metrics (): Promise<string> } }
  reload (): Promise<{ ok: true } | { ok: false, error: ConfigError }>
  view<K extends ViewName> (name: K): Promise<AdminViews[K]>
  /** Per-route rates and latencies over about the last `seconds`. */
  stats (seconds: number): Promise<StatsView>
  /** A consumer's plan limits: used, remaining, reset; undefined when `consumers` lacks it. */
  usage (consumer: string): Promise<ConsumerUsage | undefined>
}

const DEFAULT_WINDOW_S = 60

const viewRoute = (path: string, target: AdminTarget, name: ViewName): AdminRoute => ({
  method: 'GET',
  path,
  protected: true,
  async handle ({ res }) { sendJson(res, 200, await target.view(name)) },
})

export function createAdminRoutes (target: AdminTarget): AdminRoute[] {
  return [
    {
      // Liveness: the process answers. Readiness (draining, not yet loaded) is /readyz.
      method: 'GET',
      path: '/healthz',
      protected: false,
      handle ({ res }) { sendJson(res, 200, { status: 'ok' }) },
    },
    {
      method: 'GET',
      path: '/readyz',
      protected: false,
      handle ({ res }) {
        if (target.serving) sendJson(res, 200, { status: 'ready' })
        else sendJson(res, 503, { status: 'unavailable' })
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      protected: false,
      async handle ({ res }) {
        const { registry } = target.metrics
        const text = await registry.metrics()
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) })
        res.end(text)
      },
    },
    viewRoute('/admin/status', target, 'status'),
    viewRoute('/admin/routes', target, 'routes'),
    viewRoute('/admin/upstreams', target, 'upstreams'),
    viewRoute('/admin/config', target, 'config'),
    usageRoute(id => target.usage(id)),
    {
      method: 'GET',
      path: '/admin/stats',
      protected: true,
      async handle ({ res, query }) {
        const asked = Number(query.get('window') ?? DEFAULT_WINDOW_S)
        const seconds = Number.isFinite(asked) && asked > 0 ? Math.min(asked, MAX_WINDOW_S) : DEFAULT_WINDOW_S
        sendJson(res, 200, await target.stats(seconds))
      },
    },
    {
      method: 'POST',
      path: '/admin/validate',
      protected: true,
      async handle ({ req, res }) { sendJson(res, 200, await validatePosted(req)) },
    },
    {
      method: 'POST',
      path: '/admin/reload',
      protected: true,
      async handle ({ res, requestId }) {
        const result = await target.reload()
        if (result.ok) {
          sendJson(res, 200, { result: 'success' })
          return
        }
        sendError(res, requestId, result.error, 400, {}, { issues: result.error.issues })
      },
    },
    {
      method: 'GET',
      path: '/admin/openapi.json',
      protected: true,
      handle ({ res }) { sendJson(res, 200, openApiDocument()) },
    },
    ...dashboardRoutes(),
  ]
}

/** A handler that threw: answer 500 without leaking the cause. */
export function sendInternal (res: ServerResponse, requestId: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendError(res, requestId, new InternalError())
}
