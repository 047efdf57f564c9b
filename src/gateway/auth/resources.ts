// The auth parts a snapshot holds, as keyed resources (../resources.ts): JWKS caches by URL and
// cooldown, the JWT verifier (and its token cache) by the auth.jwt and consumers config, the API
// key checker by its store config. Equal config on reload hands back the same parts, so cached
// keys and verified tokens survive it. Keys are hashed: they are built from config that holds
// secrets, and resource keys appear in log lines.

import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import { parseDuration } from '../../core/duration.js'
import { stableKey } from '../../core/stable-key.js'
import type { Clock } from '../../core/clock.js'
import type { GatewayConfig } from '../../config/schema/index.js'
import type { Logger } from '../../observability/logger.js'
import type { Metrics } from '../../observability/metrics.js'
import type { ResourceSet } from '../resources.js'
import { openKeyStore } from '../../core/keys/open-store.js'
import { ApiKeyAuth } from './api-key-auth.js'
import { JwksCache } from './jwks.js'
import { JwtAuth } from './jwt-auth.js'
import type { Consumer } from '../contract.js'

/** What the authentication stage needs of an API key store. */
export interface KeyChecker {
  /** The key's consumer, or throws UnauthenticatedError; synchronous when the answer is in memory. */
  check (key: string): Consumer | Promise<Consumer>
}

/** What building the auth parts needs (a subset of the stage factories' StageDeps). */
export interface AuthDeps {
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics: Metrics
  readonly config: GatewayConfig
  readonly resources: ResourceSet
  readonly baseDir: string
}

function digest (kind: string, value: unknown): string {
  return `${kind}|${createHash('sha256').update(stableKey(value)).digest('hex')}`
}

export function jwtAuthFor (deps: AuthDeps): JwtAuth {
  const providers = deps.config.auth?.jwt ?? []
  const consumers = deps.config.consumers ?? {}
  const jwks = new Map<string, JwksCache>()
  for (const p of providers) {
    if (p.jwksUrl === undefined) continue
    const url = p.jwksUrl
    const cooldownMs = parseDuration(p.jwksCooldown)
    jwks.set(p.name, deps.resources.use(digest('jwks', [p.name, url, cooldownMs]), () => {
      if (url.startsWith('http:') && !isLoopback(new URL(url).hostname)) {
        deps.logger.warn({ provider: p.name }, 'jwksUrl is plain http to a non-loopback host: keys could be swapped in transit; use https')
      }
      return new JwksCache({
        provider: p.name,
        url,
        cooldownMs,
        clock: deps.clock,
        logger: deps.logger,
        onFetch: (result) => { deps.metrics.authJwksFetches.inc({ provider: p.name, result }) },
      })
    }))
  }
  return deps.resources.use(digest('jwt', [providers, consumers, deps.baseDir]),
    () => new JwtAuth(providers, jwks, consumers, { clock: deps.clock, baseDir: deps.baseDir }))
}

export function apiKeyAuthFor (deps: AuthDeps): KeyChecker {
  const config = deps.config.auth!.apiKeys!
  const consumers = deps.config.consumers ?? {}
  return deps.resources.use(digest('apiKeys', [config.store, consumers, deps.baseDir]), () => new ApiKeyAuth(
    openKeyStore(config.store, {
      baseDir: deps.baseDir,
      clock: deps.clock,
      watch: true,
      onError: (err) => { deps.logger.error({ err }, 'API key store could not be read: the last good keys stay in use') },
    }),
    consumers,
    deps.clock
  ))
}

function isLoopback (host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '')
  if (h === 'localhost') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  return h === '::1'
}
