// Cross-checks of stage options (schema/stages.ts) that a schema cannot express, for the
// top-level defaults and every route alike. One function per stage key.

import { originPatternProblem } from './build-rules.js'
import { parseCidr } from './cidr.js'
import type { GatewayConfig, GlobalStageKey, StageOptions } from './schema/index.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'
import { checkTransform } from './check-transform.js'
import { checkLimit } from './check-rate-limits.js'

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

function checkRateLimits (options: StageOptions['rateLimits'], config: GatewayConfig, at: ConfigPath, report: Report): void {
  const names = new Set<string>()
  options.forEach((o, i) => {
    const here = [...at, i]
    if (o.plan === true) {
      const extra = (['name', 'requests', 'per', 'burst', 'algorithm', 'quota', 'maxDelay'] as const).filter(k => o[k] !== undefined)
      if (extra.length > 0) report([...here, extra[0]!], `a { plan: true } entry takes no ${extra.join(', ')}: the plan's limits apply`)
      if (config.plans === undefined) report([...here, 'plan'], 'plan: true needs a top-level plans section')
      if (o.mode === 'delay') report([...here, 'mode'], 'a { plan: true } entry takes no mode: set it on the plan\'s limits')
      return
    }
    for (const k of ['name', 'requests', 'per'] as const) {
      if (o[k] === undefined) report(here, `missing ${k} (or write { plan: true } for the consumer's plan limits)`)
    }
    checkLimit(o, here, report)
    if (o.name !== undefined) {
      if (names.has(o.name)) report([...here, 'name'], `duplicate limit name "${o.name}" in this route`)
      names.add(o.name)
    }
  })
}

function checkPlans (config: GatewayConfig, report: Report): void {
  for (const [plan, limits] of Object.entries(config.plans ?? {})) {
    const names = new Set<string>()
    limits.forEach((l, i) => {
      checkLimit(l, ['plans', plan, i], report)
      if (names.has(l.name)) report(['plans', plan, i, 'name'], `duplicate limit name "${l.name}" in plan ${plan}`)
      names.add(l.name)
    })
  }
  const dflt = config.rateLimiting.defaultPlan
  if (dflt !== undefined && config.plans?.[dflt] === undefined) {
    report(['rateLimiting', 'defaultPlan'], `unknown plan "${dflt}" (not in plans)`)
  }
}

export function checkStages (config: GatewayConfig, report: Report): void {
  const each = (options: Partial<Pick<StageOptions, GlobalStageKey>>, at: ConfigPath): void => {
    if (options.headers !== undefined) checkHeaders(options.headers, [...at, 'headers'], report)
    if (options.ipRules !== undefined) checkIpRules(options.ipRules, [...at, 'ipRules'], report)
    if (options.cors !== undefined) checkCors(options.cors, [...at, 'cors'], report)
    if (options.transform !== undefined) checkTransform(options.transform, [...at, 'transform'], report)
  }
  each(config, [])
  config.routes.forEach((route, i) => {
    each(route, ['routes', i])
    if (route.rateLimits !== undefined) checkRateLimits(route.rateLimits, config, ['routes', i, 'rateLimits'], report)
  })
  checkPlans(config, report)
}
