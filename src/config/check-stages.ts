// Cross-checks of stage options (schema/stages.ts) that a schema cannot express, for the
// top-level defaults and every route alike. One function per stage key.

import type { GatewayConfig, StageOptions } from './schema/index.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'

/** Headers the gateway writes itself or that frame the response: a fixed value would corrupt it. */
const GATEWAY_OWNED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'content-length', 'x-request-id',
])

function checkHeaders (options: StageOptions['headers'], at: ConfigPath, report: Report): void {
  for (const name of Object.keys(options.response)) {
    if (GATEWAY_OWNED.has(name.toLowerCase())) {
      report([...at, 'response', name], `"${name}" is set by the gateway itself and cannot be fixed here`)
    }
  }
}

export function checkStages (config: GatewayConfig, report: Report): void {
  if (config.headers !== undefined) checkHeaders(config.headers, ['headers'], report)
  config.routes.forEach((route, i) => {
    if (route.headers !== undefined) checkHeaders(route.headers, ['routes', i, 'headers'], report)
  })
}
