// Cross-checks of stage options (schema/stages.ts) that a schema cannot express, for the
// top-level defaults and every route alike. One function per stage key.

import { originPatternProblem } from './build-rules.js'
import { parseCidr } from './cidr.js'
import type { GatewayConfig, GlobalStageKey, StageOptions } from './schema/index.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'
import { checkTransform } from './check-transform.js'

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

function checkIpRules (options: StageOptions['ipRules'], at: ConfigPath, report: Report): void {
  for (const list of ['allow', 'deny'] as const) {
    options[list]?.forEach((cidr, i) => {
      if (parseCidr(cidr.trim()) === undefined) {
        report([...at, list, i], `invalid CIDR ${JSON.stringify(cidr)} (expected an IPv4 or IPv6 address with an optional /prefix)`)
      }
    })
  }
}

function checkCors (options: StageOptions['cors'], at: ConfigPath, report: Report): void {
  options.allowOrigins.forEach((origin, i) => {
    const problem = originPatternProblem(origin)
    if (problem !== undefined) report([...at, 'allowOrigins', i], `${JSON.stringify(origin)}: ${problem}`)
  })
}

export function checkStages (config: GatewayConfig, report: Report): void {
  const each = (options: Partial<Pick<StageOptions, GlobalStageKey>>, at: ConfigPath): void => {
    if (options.headers !== undefined) checkHeaders(options.headers, [...at, 'headers'], report)
    if (options.ipRules !== undefined) checkIpRules(options.ipRules, [...at, 'ipRules'], report)
    if (options.cors !== undefined) checkCors(options.cors, [...at, 'cors'], report)
    if (options.transform !== undefined) checkTransform(options.transform, [...at, 'transform'], report)
  }
  each(config, [])
  config.routes.forEach((route, i) => { each(route, ['routes', i]) })
}
