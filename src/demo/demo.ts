// `sluice demo`: example services + a gateway configured by the bundled examples/demo.yaml.
// The services' URLs reach the config through environment variables (the file uses ${VAR}), and
// they are set on process.env rather than passed once, so an admin reload re-reads them too.

import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { createLogger } from '../observability/logger.js'
import { packageFile } from '../cli/package-files.js'
import { serve, type Serving } from '../cli/serve.js'
import { startDemoServices } from './services.js'
import { preferPort } from './ports.js'

export interface DemoOptions {
  /** Gateway port (default 8080, or any free port when 8080 is taken). */
  readonly port?: number
  /** Admin port (default 9901, or any free port when 9901 is taken). */
  readonly adminPort?: number
}

export interface Demo {
  readonly serving: Serving
  readonly configPath: string
  readonly adminToken: string
  stop (): Promise<void>
}

const HOST = '127.0.0.1'

export async function startDemo (options: DemoOptions = {}): Promise<Demo> {
  const services = await startDemoServices()
  const env = process.env
  env.SLUICE_DEMO_PORT = String(options.port ?? await preferPort(8080, HOST))
  env.SLUICE_DEMO_ADMIN_PORT = String(options.adminPort ?? await preferPort(9901, HOST))
  env.SLUICE_DEMO_ADMIN_TOKEN ||= randomBytes(16).toString('hex')
  env.DEMO_USERS_1_URL = services.users[0]
  env.DEMO_USERS_2_URL = services.users[1]
  env.DEMO_ORDERS_URL = services.orders
  const configPath = packageFile('examples/demo.yaml')
  let serving: Serving
  try {
    // Synchronous stdout: in a demo, each access-log line should appear as its request ends.
    const logger = createLogger({ level: 'info', destination: pino.destination({ dest: 1, sync: true }) })
    serving = await serve({ configPath, watch: false, logger })
  } catch (err) {
    await services.close()
    throw err
  }
  return {
    serving,
    configPath,
    adminToken: env.SLUICE_DEMO_ADMIN_TOKEN,
    async stop () {
      await serving.stop()
      await services.close()
    },
  }
}

export function demoBanner (demo: Demo): string {
  const gw = demo.serving.gatewayUrl
  const admin = demo.serving.adminUrl
  return `
Sluice demo: a gateway in front of two example services (users x2, orders).

  gateway  ${gw}
  admin    ${admin}   (GET /healthz, GET /metrics)
  config   ${demo.configPath}

Try:
  # routing: /api/users/... goes to the users service, with /api stripped
  curl -s ${gw}/api/users/1
  # load balancing: round-robin over two users instances (watch "instance" alternate)
  for i in 1 2 3 4; do curl -s ${gw}/api/users/2; done
  # routing by path and method: POST /api/orders goes to the orders service
  curl -s -X POST -H 'content-type: application/json' -d '{"item":"tea","qty":1}' ${gw}/api/orders

Reload the config: curl -s -X POST -H 'authorization: Bearer ${demo.adminToken}' ${admin}/admin/reload
Press Ctrl-C to stop.

`
}
