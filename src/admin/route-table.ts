// Admin endpoints by method and path template. A template's `{name}` matches one path segment and
// becomes a param, so an endpoint such as GET /admin/consumers/{id}/usage is one more entry.

import type { IncomingMessage, ServerResponse } from 'node:http'

export interface AdminRequest {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly requestId: string
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
}

export interface AdminRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** `/admin/status`, `/admin/consumers/{id}/usage`. */
  readonly path: string
  /** Needs the admin token: every /admin/* endpoint does; health, readiness, metrics and the dashboard do not. */
  readonly protected: boolean
  handle (r: AdminRequest): Promise<void> | void
}

export type Lookup =
  | { found: AdminRoute, params: Record<string, string> }
  | { found: undefined, allow: string[] }

interface Compiled { route: AdminRoute, segments: readonly string[] }

export class RouteTable {
  readonly #routes: readonly Compiled[]

  constructor (routes: readonly AdminRoute[]) {
    this.#routes = routes.map(route => ({ route, segments: route.path.split('/') }))
  }

  get routes (): readonly AdminRoute[] { return this.#routes.map(c => c.route) }

  /** The route for `method path`; else the methods the path has (empty: no such path). */
  lookup (method: string, path: string): Lookup {
    const segs = path.split('/')
    const allow: string[] = []
    for (const c of this.#routes) {
      const params = matchSegments(c.segments, segs)
      if (params === undefined) continue
      if (c.route.method === method) return { found: c.route, params }
      allow.push(c.route.method)
    }
    return { found: undefined, allow }
  }
}

function matchSegments (want: readonly string[], got: readonly string[]): Record<string, string> | undefined {
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g)
      } catch {
        return undefined
      }
    } else if (w !== g) {
      return undefined
    }
  }
  return params
}
