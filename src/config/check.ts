// Cross-references the gateway schema cannot express. Runs on a schema-valid, defaulted config.
import type { GatewayConfig, RouteConfig, UpstreamConfig } from './schema/index.js'
import { tryParseDuration } from '../core/duration.js'
import { COOKIE_NAME_RULE, isCookieName, targetOrigin } from './build-rules.js'
import { checkAuth } from './check-auth.js'
import { checkHealth } from './check-health.js'
import { checkRetry } from './check-retry.js'
import { checkHostPatterns, checkRewriteReplacement } from './check-route-rules.js'
import { checkStages } from './check-stages.js'
import { checkUpstreamGuard } from './check-upstream-guard.js'
import { parseCidr } from './cidr.js'
import { warnBareTimeouts } from './duration-warnings.js'
import { didYouMean } from './hint.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'
import { backtrackingProblem } from './regex-safety.js'

const PATH_KEYS = ['path', 'pathExact', 'pathRegex'] as const

/** Why `source` does not compile as a JavaScript regex, or undefined when it does. */
export function regexProblem (source: string): string | undefined {
  try {
    RegExp(source)
    return undefined
  } catch (err) {
    // V8 says "Invalid regular expression: /(/: Unterminated group"; the pattern is already shown.
    return (err as Error).message.split(': ').pop()
  }
}

/** `"/.../"` header and query matchers are regexes; anything else is an exact value. */
export function matcherRegex (value: string): string | undefined {
  return value.length >= 2 && value.startsWith('/') && value.endsWith('/') ? value.slice(1, -1) : undefined
}

/** Each of these regexes runs on client input, so besides compiling it must not backtrack badly. */
function checkRegex (source: string, path: ConfigPath, report: Report): void {
  const problem = regexProblem(source)
  if (problem !== undefined) {
    report(path, `invalid regular expression ${JSON.stringify(source)} (${problem})`)
    return
  }
  const unsafe = backtrackingProblem(source)
  if (unsafe !== undefined) report(path, `unsafe regular expression ${JSON.stringify(source)} (${unsafe})`)
}

function checkMatch (route: RouteConfig, at: ConfigPath, report: Report): void {
  const { match } = route
  const set = PATH_KEYS.filter((k) => match[k] !== undefined)
  if (set.length > 1) {
    report([...at, 'match'], `set only one of path, pathExact, pathRegex (found ${set.join(' and ')})`)
  }
  if (match.pathRegex !== undefined) checkRegex(match.pathRegex, [...at, 'match', 'pathRegex'], report)
  for (const kind of ['headers', 'query'] as const) {
    for (const [name, value] of Object.entries(match[kind] ?? {})) {
      const source = matcherRegex(value)
      if (source !== undefined) checkRegex(source, [...at, 'match', kind, name], report)
    }
  }
}

function checkRoutes (config: GatewayConfig, report: Report): void {
  const upstreams = Object.keys(config.upstreams)
  const firstByName = new Map<string, number>()
  config.routes.forEach((route, i) => {
    const at = ['routes', i]
    const first = firstByName.get(route.name)
    if (first === undefined) firstByName.set(route.name, i)
    else report([...at, 'name'], `duplicate route name "${route.name}" (first used by routes[${first}])`)
    if (!Object.hasOwn(config.upstreams, route.upstream)) {
      report([...at, 'upstream'], `unknown upstream "${route.upstream}"${didYouMean(route.upstream, upstreams)}`)
    }
    checkMatch(route, at, report)
    if (route.rewrite) {
      checkRegex(route.rewrite.pattern, [...at, 'rewrite', 'pattern'], report)
      checkRewriteReplacement(route.rewrite, [...at, 'rewrite', 'replacement'], report)
    }
    if (route.match.host !== undefined) checkHostPatterns(route.match.host, [...at, 'match', 'host'], report)
  })
}

/** A target's identity is its origin, so two spellings of one origin are one target twice. */
function checkTargets (upstream: UpstreamConfig, at: ConfigPath, report: Report): void {
  const firstByOrigin = new Map<string, number>()
  upstream.targets.forEach((target, i) => {
    const where = [...at, 'targets', i, 'url']
    const origin = targetOrigin(target.url)
    if (origin === undefined) return report(where, `${JSON.stringify(target.url)} is not a valid URL`)
    const first = firstByOrigin.get(origin)
    if (first === undefined) firstByOrigin.set(origin, i)
    else report(where, `duplicate target: same origin as targets[${first}] (${origin})`)
  })
}

function checkAffinity (affinity: NonNullable<UpstreamConfig['affinity']>, at: ConfigPath, report: Report): void {
  if (!isCookieName(affinity.cookie)) {
    report([...at, 'cookie'], `${JSON.stringify(affinity.cookie)} is not a valid cookie name (${COOKIE_NAME_RULE})`)
  }
  // Durations round to whole milliseconds; the balancer needs a pin that lasts at least one.
  if (!((tryParseDuration(affinity.ttl) ?? 0) >= 1)) {
    report([...at, 'ttl'], `must be at least 1ms (got ${JSON.stringify(affinity.ttl)})`)
  }
}

function checkUpstreams (config: GatewayConfig, report: Report): void {
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    checkTargets(upstream, ['upstreams', name], report)
    checkHealth(upstream, ['upstreams', name], report)
    if (upstream.affinity !== undefined) checkAffinity(upstream.affinity, ['upstreams', name, 'affinity'], report)
    checkUpstreamGuard(upstream, ['upstreams', name], report)
    checkRetry(upstream.retry, ['upstreams', name, 'retry'], report)
    const hashing = upstream.balancer === 'consistent-hash'
    if (hashing && upstream.hashOn === undefined) {
      report(['upstreams', name], 'missing hashOn (header:NAME, cookie:NAME or ip), required by balancer consistent-hash')
    } else if (!hashing && upstream.hashOn !== undefined) {
      report(['upstreams', name, 'hashOn'], `hashOn only applies to balancer consistent-hash, not ${upstream.balancer}`)
    }
  }
}

export function checkGatewayConfig (config: GatewayConfig, report: Report, warn: Report = () => {}): void {
  warnBareTimeouts(config, warn)
  config.server.trustedProxies.forEach((cidr, i) => {
    if (parseCidr(cidr) === undefined) {
      report(['server', 'trustedProxies', i], `invalid CIDR ${JSON.stringify(cidr)} (expected an IPv4 or IPv6 address with an optional /prefix)`)
    }
  })
  // 0 would switch Node's head timer off, which is the slowloris hole the key exists to close.
  if (tryParseDuration(config.server.timeouts.headers) === 0) {
    report(['server', 'timeouts', 'headers'], 'must be above 0 (a connection may not take forever to send its head)')
  }
  checkUpstreams(config, report)
  checkRoutes(config, report)
  checkStages(config, report)
  checkAuth(config, report)
}
