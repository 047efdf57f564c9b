// One issuer's JSON Web Key Set, kept across reloads as a keyed resource (resources.ts).
//
//   start            fetch once, so the first token rarely waits
//   unknown kid      refetch, but at most once per `cooldown` since the last fetch began: a flood
//                    of random kids costs the IdP one request per cooldown, and a rotation (new
//                    key published, tokens signed with it) works without a restart
//   max-age expired  refetch in the background; tokens keep verifying with the keys in hand
//   IdP down         the last good keys stay in use, loudly: a warn line and
//                    sluice_auth_jwks_fetches_total{result="error"} per failed fetch
//
// Fetches that overlap share one request. Time is the injected clock, so cooldown and max-age are
// tested by moving it.

import { createLocalJWKSet, errors } from 'jose'
import type { JSONWebKeySet, JWSHeaderParameters, FlattenedJWSInput, CryptoKey, KeyObject } from 'jose'
import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../observability/logger.js'
import type { Resource } from '../resources.js'

export interface JwksOptions {
  provider: string
  url: string
  cooldownMs: number
  clock: Clock
  logger: Logger
  /** Called once per fetch with its outcome (metrics). */
  onFetch (result: 'success' | 'error'): void
}

/** Used when the endpoint sends no max-age: keys are still refetched on an unknown kid. */
const DEFAULT_MAX_AGE_MS = 10 * 60_000
const FETCH_TIMEOUT_MS = 5000

type LocalSet = ReturnType<typeof createLocalJWKSet>

export class JwksCache implements Resource {
  readonly #o: JwksOptions
  #keys: LocalSet | undefined
  #lastFetch = Number.NEGATIVE_INFINITY
  #staleAt = 0
  #inflight: Promise<boolean> | undefined
  #closed = false

  constructor (options: JwksOptions) {
    this.#o = options
  }

  start (): void {
    this.#fetch().catch(() => {})
  }

  close (): void {
    this.#closed = true
  }

  /** jose's key resolver: the key for `header.kid`, refetching within the cooldown rules. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey | KeyObject> => {
    const now = this.#o.clock.now()
    if (this.#keys === undefined) await this.#maybeFetch(now)
    else if (now >= this.#staleAt) this.#maybeFetch(now).catch(() => {})
    if (this.#keys === undefined) throw new errors.JWKSNoMatchingKey('no keys: the JWKS endpoint has not answered yet')
    try {
      return await this.#keys(header, token)
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err
      if (!await this.#maybeFetch(this.#o.clock.now())) throw err
      return await this.#keys(header, token)
    }
  }

  /** Resolves true when a fetch that may have brought new keys finished. */
  #maybeFetch (now: number): Promise<boolean> {
    if (this.#inflight !== undefined) return this.#inflight
    if (now - this.#lastFetch < this.#o.cooldownMs) return Promise.resolve(false)
    return this.#fetch()
  }

  #fetch (): Promise<boolean> {
    if (this.#inflight !== undefined) return this.#inflight
    this.#lastFetch = this.#o.clock.now()
    this.#inflight = this.#load().finally(() => { this.#inflight = undefined })
    return this.#inflight
  }

  async #load (): Promise<boolean> {
    const { clock, logger, provider } = this.#o
    try {
      const res = await fetch(this.#o.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } })
      if (!res.ok) throw new Error(`JWKS endpoint answered ${res.status}`)
      const jwks = await res.json() as JSONWebKeySet
      if (!Array.isArray(jwks?.keys)) throw new Error('JWKS response has no "keys" array')
      if (this.#closed) return false
      this.#keys = createLocalJWKSet(jwks)
      this.#staleAt = clock.now() + Math.max(maxAgeMs(res.headers.get('cache-control')) ?? DEFAULT_MAX_AGE_MS, this.#o.cooldownMs)
      this.#o.onFetch('success')
      return true
    } catch (err) {
      this.#o.onFetch('error')
      const haveKeys = this.#keys !== undefined
      const fields = { provider, jwks: safeUrl(this.#o.url), err: (err as Error).message, haveKeys }
      logger.warn(fields,
        this.#keys === undefined
          ? 'JWKS fetch failed and no keys are known yet: tokens of this issuer are refused'
          : 'JWKS fetch failed: verifying with the last good keys')
      return false
    }
  }
}

function maxAgeMs (cacheControl: string | null): number | undefined {
  const m = cacheControl === null ? null : /(?:^|[,\s])max-age=(\d+)/i.exec(cacheControl)
  return m === null ? undefined : Number(m[1]) * 1000
}

/** Without query or user info, which could carry credentials. */
function safeUrl (url: string): string {
  const u = new URL(url)
  return u.origin + u.pathname
}
