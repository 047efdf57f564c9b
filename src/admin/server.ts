// The admin listener: a separate node:http server (its own host/port) so health checks, metrics
// scrapes and reloads never compete with, or get exposed on, the data-plane port.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { ForbiddenError, RouteNotFoundError, UnauthenticatedError } from '../errors.js'
import { createTokenCheck } from './token.js'
import { createAdminRoutes, sendInternal, type AdminTarget } from './routes.js'
import { requestIdOf, sendError } from './respond.js'
import type { KeyAdmin } from './keys.js'

export interface AdminOptions {
  readonly host: string
  readonly port: number
  /** Bearer token for POST /admin/*; without it those endpoints answer 403. */
  readonly token?: string | undefined
}

export interface AdminDeps {
  readonly target: AdminTarget
  readonly logger?: Logger
  /** API key management (/admin/keys, /admin/consumers), when the config has auth.apiKeys. */
  readonly keys?: KeyAdmin
}

export interface AdminServer {
  listen (): Promise<{ host: string, port: number }>
  /** Stops accepting and closes idle sockets; resolves when in-flight admin requests finished. */
  close (): Promise<void>
  readonly server: Server
}

export function createAdminServer (options: AdminOptions, deps: AdminDeps): AdminServer {
  const routes = createAdminRoutes(deps.target)
  const checkToken = createTokenCheck(options.token)
  const log = deps.logger

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = requestIdOf(req)
    const path = (req.url ?? '/').split('?', 1)[0]!
    if (deps.keys?.owns(path) === true) {
      if (refused(checkToken(req.headers.authorization), requestId, path, res)) {
        req.resume()
        return
      }
      await deps.keys.handle(req, res, requestId, path)
      return
    }
    // Admin requests carry no meaningful body; drain it so keep-alive sockets stay usable.
    req.resume()
    const route = routes.get(path)

    if (req.method === 'POST' && path.startsWith('/admin/') && refused(checkToken(req.headers.authorization), requestId, path, res)) {
      return
    }

    if (!route || route.method !== req.method) {
      const hint = route ? ` (use ${route.method})` : ''
      sendError(res, requestId, new RouteNotFoundError(), 404, route ? { allow: route.method } : {},
        { message: `No admin endpoint ${req.method} ${path}${hint}` })
      return
    }
    await route.handle(req, res, requestId)
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
