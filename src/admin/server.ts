// The admin listener: a separate node:http server (its own host/port) so health checks, metrics
// scrapes and reloads never compete with, or get exposed on, the data-plane port.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { ForbiddenError, RouteNotFoundError, SluiceError, UnauthenticatedError } from '../errors.js'
import { createTokenCheck } from './token.js'
import { createAdminRoutes, sendInternal, type AdminTarget } from './routes.js'
import { RouteTable, type AdminRoute } from './route-table.js'
import { requestIdOf, sendError } from './respond.js'
import type { KeyAdmin } from './keys.js'

export interface AdminOptions {
  readonly host: string
  readonly port: number
  /** Bearer token for /admin/*; without it those endpoints answer 403. */
  readonly token?: string | undefined
}

export interface AdminDeps {
  readonly target: AdminTarget
  readonly logger?: Logger
  /** API key management (/admin/keys, /admin/consumers), when the config has auth.apiKeys. */
  readonly keys?: KeyAdmin
  /** More endpoints (the dashboard's files, usage reports), beside the built-in ones. */
  readonly routes?: readonly AdminRoute[]
}

export interface AdminServer {
  listen (): Promise<{ host: string, port: number }>
  /** Stops accepting and closes idle sockets; resolves when in-flight admin requests finished. */
  close (): Promise<void>
  readonly server: Server
}

export function createAdminServer (options: AdminOptions, deps: AdminDeps): AdminServer {
  const table = new RouteTable([...createAdminRoutes(deps.target), ...(deps.routes ?? [])])
  const checkToken = createTokenCheck(options.token)
  const log = deps.logger

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = requestIdOf(req)
    const [path = '/', search = ''] = (req.url ?? '/').split('?', 2)
    if (deps.keys?.owns(path) === true) {
      if (refused(checkToken(req.headers.authorization), requestId, path, res)) {
        req.resume()
        return
      }
      await deps.keys.handle(req, res, requestId, path)
      return
    }
    const method = req.method ?? 'GET'
    const hit = table.lookup(method, path)
    // Unknown /admin/* paths need the token too, so the API's shape is not for anyone to probe.
    const guarded = hit.found?.protected ?? path.startsWith('/admin/')
    if (guarded && refused(checkToken(req.headers.authorization), requestId, path, res)) {
      req.resume()
      return
    }
    if (hit.found === undefined) {
      req.resume()
      const allow = hit.allow.join(', ')
      const hint = allow === '' ? '' : ` (use ${allow})`
      sendError(res, requestId, new RouteNotFoundError(), 404, allow === '' ? {} : { allow },
        { message: `No admin endpoint ${method} ${path}${hint}` })
      return
    }
    // Only POST endpoints read a body; drain any other so keep-alive sockets stay usable.
    if (hit.found.method !== 'POST') req.resume()
    try {
      await hit.found.handle({ req, res, requestId, params: hit.params, query: new URLSearchParams(search) })
    } catch (err) {
      if (!SluiceError.is(err) || err.status < 400 || err.status >= 500) throw err
      req.resume()
      sendError(res, requestId, err)
    }
  }

  /** Answers a request the token check refused; false when it passed. */
  function refused (
    verdict: ReturnType<typeof checkToken>, requestId: string, path: string, res: ServerResponse
  ): boolean {
    if (verdict === 'not-configured') {
      sendError(res, requestId, new ForbiddenError('Admin write endpoints are disabled: set admin.token in the config'))
      return true
    }
    if (verdict === 'unauthorized') {
      log?.warn({ requestId, path }, 'admin request with a missing or wrong token')
      sendError(res, requestId, new UnauthenticatedError('A valid admin token is required (Authorization: Bearer <admin.token>)'),
        401, { 'www-authenticate': 'Bearer realm="sluice-admin"' })
      return true
    }
    return false
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log?.error({ err }, 'admin request failed')
      sendInternal(res, requestIdOf(req))
    })
  })

  return {
    server,
    listen () {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(options.port, options.host, () => {
          server.off('error', reject)
          const a = server.address() as AddressInfo
          resolve({ host: a.address, port: a.port })
        })
      })
    },
    close () {
      return new Promise((resolve) => {
        if (!server.listening) {
          resolve()
          return
        }
        server.close(() => resolve())
        server.closeIdleConnections()
      })
    },
  }
}
