// The admin endpoints. Each handler is small on purpose: the gateway owns the behaviour (serving
// state, metrics registry, reload); this file only translates it to HTTP.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ConfigError } from '../errors.js'
import { sendJson, sendError } from './respond.js'
import { InternalError } from '../errors.js'

/** The part of a Gateway the admin listener needs (structural, so a cluster primary can offer it too). */
export interface AdminTarget {
  readonly serving: boolean
  /** Anything with a prom-client-like registry: a gateway's own, or the cluster aggregate. */
  readonly metrics: { readonly registry: { readonly contentType: string, metrics (): Promise<string> } }
  reload (): Promise<{ ok: true } | { ok: false, error: ConfigError }>
}

export interface AdminRoute {
  readonly method: 'GET' | 'POST'
  /** POST /admin/* routes need the bearer token; the server checks it before calling `handle`. */
  readonly protected: boolean
  handle (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> | void
}

export function createAdminRoutes (target: AdminTarget): ReadonlyMap<string, AdminRoute> {
  return new Map<string, AdminRoute>([
    ['/healthz', {
      method: 'GET',
      protected: false,
      handle (_req, res) {
        if (target.serving) sendJson(res, 200, { status: 'ok' })
        else sendJson(res, 503, { status: 'unavailable' })
      },
    }],
    ['/metrics', {
      method: 'GET',
      protected: false,
      async handle (_req, res) {
        const { registry } = target.metrics
        const text = await registry.metrics()
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) })
        res.end(text)
      },
    }],
    ['/admin/reload', {
      method: 'POST',
      protected: true,
      async handle (_req, res, requestId) {
        const result = await target.reload()
        if (result.ok) {
          sendJson(res, 200, { result: 'success' })
          return
        }
        sendError(res, requestId, result.error, 400, {}, { issues: result.error.issues })
      },
    }],
  ])
}

/** A handler that threw: answer 500 without leaking the cause. */
export function sendInternal (res: ServerResponse, requestId: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendError(res, requestId, new InternalError())
}
