// The `cors` stage, after the Fetch standard's CORS protocol
// (https://fetch.spec.whatwg.org/#http-cors-protocol):
//   - a preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered here, 204,
//     and never forwarded: upstreams need not know CORS, and a preflight carries no credentials
//     so it must not reach the authentication stage after this one;
//   - every other reply of the route (upstream answer, local reply, error such as a 401) gets the
//     response headers in onResponseHead, so a browser script can read why it was refused;
//   - an origin not allowed gets no CORS headers at all: the browser then blocks the read.
// The allowed origin is echoed rather than `*` whenever credentials are allowed (browsers refuse
// `*` with credentials) or the list is not `*`; an echoed value varies by Origin, hence
// `Vary: Origin` on every reply of such a route, including replies to requests without Origin,
// so a shared cache never serves one origin's answer to another. The upstream's own
// Access-Control-* headers are replaced: the route's config is the one policy.

import { parseDuration } from '../../core/duration.js'
import type { StageOptions } from '../../config/schema/index.js'
import type { ResponseHead, Stage } from '../contract.js'
import { getHeader, removeHeader } from '../headers.js'
import { compileOrigins } from './cors-origins.js'

const OWNED = [
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers',
  'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age',
]

export function createCorsStage (options: StageOptions['cors']): Stage {
  const allowed = compileOrigins(options.allowOrigins)
  const credentials = options.allowCredentials
  const star = options.allowOrigins.includes('*') && !credentials
  const methods = options.allowMethods.join(', ')
  const anyHeader = options.allowHeaders.includes('*')
  const headers = options.allowHeaders.join(', ')
  const expose = options.exposeHeaders.join(', ')
  const maxAge = options.maxAge === undefined ? undefined : String(Math.floor(parseDuration(options.maxAge) / 1000))
  const preflightVary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'

  function decorate (head: ResponseHead, origin: string | undefined, preflight: boolean): void {
    const h = head.headers
    // A preflight's head is the one built in onRequest; any other came from elsewhere.
    if (!preflight) for (const name of OWNED) removeHeader(h, name)
    if (!star) addVary(h, preflight ? preflightVary : 'Origin')
    if (origin === undefined || !allowed(origin)) return
    h.push('access-control-allow-origin', star ? '*' : origin)
    if (credentials) h.push('access-control-allow-credentials', 'true')
    if (!preflight && expose !== '') h.push('access-control-expose-headers', expose)
  }

  return {
    name: 'cors',
    onRequest (ctx) {
      if (ctx.method !== 'OPTIONS' || ctx.headers['access-control-request-method'] === undefined) return undefined
      const origin = ctx.headers.origin
      const head: ResponseHead = { status: 204, headers: [] }
      if (origin !== undefined && allowed(origin)) {
        head.headers.push('access-control-allow-methods', methods)
        const asked = ctx.headers['access-control-request-headers']
        const allowHeaders = anyHeader ? asked : headers
        if (allowHeaders !== undefined && allowHeaders !== '') head.headers.push('access-control-allow-headers', allowHeaders)
        if (maxAge !== undefined) head.headers.push('access-control-max-age', maxAge)
      }
      return head
    },
    onResponseHead (ctx, head) {
      // Every preflight was answered in onRequest (stages before this one answer before it runs).
      const preflight = ctx.method === 'OPTIONS' && ctx.headers['access-control-request-method'] !== undefined
      decorate(head, ctx.headers.origin, preflight)
    },
  }
}

function addVary (h: string[], value: string): void {
  const existing = getHeader(h, 'vary')
  if (existing === undefined) {
    h.push('vary', value)
    return
  }
  if (existing.trim() === '*') return
  removeHeader(h, 'vary')
  h.push('vary', `${existing}, ${value}`)
}
