// Starts one gateway process: the data-plane listener, the admin listener and config watching.
// Shared by `sluice start` (per worker) and `sluice demo`.

import { dirname, resolve } from 'node:path'
import type { Logger } from 'pino'
import { createGateway, type Gateway } from '../gateway/gateway.js'
import { createAdminServer, type AdminServer } from '../admin/server.js'
import { serveClusterAdmin } from '../admin/cluster.js'
import { workerHealthBus } from '../gateway/cluster-health.js'
import { keyAdminFor } from '../admin/keys.js'
import { localAdminTarget } from '../admin/local.js'
import { systemClock } from '../core/clock.js'
import type { GatewayConfig } from '../config/schema/index.js'
import { listenError } from './listen-error.js'

export interface Serving {
  readonly gateway: Gateway
  /** Absent in a cluster worker: the primary owns the admin listener (see admin/cluster.ts). */
  readonly admin: AdminServer | undefined
  readonly gatewayUrl: string
  readonly adminUrl: string | undefined
  readonly logger: Logger
  /** Stops watching, drains the gateway (server.drainTimeout) and closes the admin listener. */
  stop (): Promise<void>
}

export interface ServeOptions {
  readonly configPath: string
  /** Already loaded (saves a second parse); otherwise the gateway loads `configPath`. */
  readonly config?: GatewayConfig
  /** File watch + SIGHUP reloads (default true). */
  readonly watch?: boolean
  /** Default: the gateway's own (buffered, async stdout). */
  readonly logger?: Logger
  /** A node:cluster worker: no admin listener; answer the primary's scrapes and reloads over IPC. */
  readonly clusterWorker?: boolean
}

const urlOf = (a: { host: string, port: number }): string =>
  `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`

export async function serve (options: ServeOptions): Promise<Serving> {
  // Before the gateway: its probes start at once, and must know they do not lead (yet).
  const health = options.clusterWorker === true ? workerHealthBus() : undefined
  const gateway = await createGateway({
    configPath: options.configPath,
    ...(health ? { health } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  })
  const { admin: adminConfig } = gateway.config
  const keys = options.clusterWorker === true
    ? undefined
    : keyAdminFor(gateway.config, dirname(resolve(options.configPath)), () => gateway.config.consumers ?? {})
  const target = localAdminTarget(gateway, systemClock)
  const admin = options.clusterWorker === true
    ? undefined
    : createAdminServer(
      { host: adminConfig.host, port: adminConfig.port, token: adminConfig.token },
      { target, logger: gateway.logger, keys: keys?.admin }
    )
  const unserveCluster = options.clusterWorker === true ? serveClusterAdmin(gateway, target) : undefined
  let gatewayAddr: { host: string, port: number }
  let adminAddr: { host: string, port: number } | undefined
  let section: 'server' | 'admin' = 'server'
  try {
    gatewayAddr = await gateway.listen()
    section = 'admin'
    adminAddr = await admin?.listen()
  } catch (err) {
    await Promise.allSettled([gateway.close(), admin?.close()])
    const { host, port } = section === 'server' ? gateway.config.server : adminConfig
    throw await listenError(err, section, options.configPath, { host, port })
  }
  const unwatch = options.watch === false ? undefined : gateway.watch()
  const gatewayUrl = urlOf(gatewayAddr)
  const adminUrl = adminAddr && urlOf(adminAddr)
  gateway.logger.info({ url: gatewayUrl, admin: adminUrl, pid: process.pid },
    `sluice listening on ${gatewayUrl}${adminUrl ? ` (admin ${adminUrl})` : ''}`)
  // The default logger buffers stdout for the access log's sake; whoever waits for this line
  // (an operator, a supervisor, a test) should not wait for the buffer to fill.
  gateway.logger.flush()

  let stopping: Promise<void> | undefined
  return {
    gateway,
    admin,
    gatewayUrl,
    adminUrl,
    logger: gateway.logger,
    stop () {
      stopping ??= (async () => {
        unwatch?.()
        unserveCluster?.()
        health?.close()
        // The admin listener stays up during the drain so /readyz can report 503 to the balancer.
        await gateway.close()
        await admin?.close()
        await keys?.close()
        gateway.logger.info('sluice stopped')
        await drained(gateway.logger, LOG_DRAIN_MS)
      })()
      return stopping
    },
  }
}

/** How long a stopping gateway waits for stdout to take its last lines (a stuck reader must not hold the exit). */
const LOG_DRAIN_MS = 2000

/**
 * Resolves when the logger's destination has written everything it holds, or after `ms`. The CLI
 * exits right after a stop, and the exit's synchronous flush writes what is queued at once, ahead
 * of an asynchronous write still in flight: that write (the last access-log batch, say) then
 * landed after "sluice stopped", or was lost with the process.
 */
function drained (logger: Logger, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    timer.unref()
    // An error (fsync refused on a pipe, say) still means the writes are done.
    logger.flush(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
