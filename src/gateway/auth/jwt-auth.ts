// JWT verification for every configured issuer (auth.jwt), with the bounded cache of verified
// tokens that keeps the hot path to one map lookup: a client reuses its token until it expires,
// so the signature check runs once per token, not once per request. A cached token stays valid
// until its `exp` (plus clockSkew), exactly as long as a fresh verification would accept it.
// Kept across reloads (a keyed resource) while auth.jwt and consumers are unchanged.
//
// Key confusion: the allowlist (`algorithms`) is passed to jose, which refuses any other `alg`
// before touching a key, so `none` never verifies, and an HS256 token "signed" with an issuer's
// RSA public key as the HMAC secret is refused wherever only asymmetric algorithms are listed
// (the config check keeps HS* and asymmetric algorithms apart per issuer).

import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { decodeJwt, errors, jwtVerify } from 'jose'
import type { JWTVerifyGetKey, JWTVerifyOptions, KeyObject } from 'jose'
import { parseDuration } from '../../core/duration.js'
import type { Clock } from '../../core/clock.js'
import type { ConsumerConfig, JwtProviderConfig } from '../../config/schema/index.js'
import { UnauthenticatedError } from '../../errors.js'
import type { Consumer } from '../contract.js'
import type { Resource } from '../resources.js'
import { claimAt, headerValue, stringList } from './claims.js'
import type { JwksCache } from './jwks.js'

export interface Verified {
  readonly provider: string
  readonly consumer: Consumer
  /** forwardClaims as a flat header list, ready to push upstream. */
  readonly forward: readonly string[]
  /** Wall-clock ms after which the token no longer verifies. */
  readonly until: number
}

interface Provider {
  readonly config: JwtProviderConfig
  readonly key: JWTVerifyGetKey | Uint8Array | KeyObject
  readonly options: JWTVerifyOptions
  readonly skewMs: number
}

/** Bounded: an attacker minting valid tokens is already authenticated; this only caps memory. */
const MAX_CACHED = 10_000
/** A token without `exp` is re-verified at least this often. */
const NO_EXP_MS = 5 * 60_000

export class JwtAuth implements Resource {
  readonly #byName = new Map<string, Provider>()
  readonly #byIssuer = new Map<string, Provider>()
  readonly #consumers: Readonly<Record<string, ConsumerConfig>>
  readonly #clock: Clock
  readonly #cache = new Map<string, Verified>()

  constructor (
    providers: readonly JwtProviderConfig[],
    jwks: ReadonlyMap<string, JwksCache>,
    consumers: Readonly<Record<string, ConsumerConfig>>,
    deps: { clock: Clock, baseDir: string }
  ) {
    this.#consumers = consumers
    this.#clock = deps.clock
    for (const config of providers) {
      const skewMs = parseDuration(config.clockSkew)
      const p: Provider = {
        config,
        key: keyOf(config, jwks, deps.baseDir),
        options: {
          algorithms: [...config.algorithms],
          issuer: config.issuer,
          audience: config.audiences === undefined ? undefined : [...config.audiences],
          clockTolerance: skewMs / 1000,
        },
        skewMs,
      }
      this.#byName.set(config.name, p)
      this.#byIssuer.set(config.issuer, p)
    }
  }

  close (): void {
    this.#cache.clear()
  }

  /** A cached verification of `token` still valid now, from `only` when given. */
  cached (token: string, only: string | undefined): Verified | undefined {
    const hit = this.#cache.get(token)
    if (hit === undefined) return undefined
    if (hit.until <= this.#clock.wallNow()) {
      this.#cache.delete(token)
      return undefined
    }
    return only === undefined || hit.provider === only ? hit : undefined
  }

  /** Verifies `token` (signature, alg, exp, nbf, iss, aud); throws UnauthenticatedError giving the reason only. */
  async verify (token: string, only: string | undefined): Promise<Verified> {
    const p = only === undefined ? this.#byIssuer.get(issuerOf(token)) : this.#byName.get(only)
    if (p === undefined) throw new UnauthenticatedError('Token issuer not accepted')
    let payload
    try {
      const options = { ...p.options, currentDate: new Date(this.#clock.wallNow()) }
      ;({ payload } = await jwtVerify(token, p.key as JWTVerifyGetKey, options))
    } catch (err) {
      throw new UnauthenticatedError(reason(err))
    }
    const id = claimAt(payload, p.config.consumerClaim)
    if (typeof id !== 'string' || id === '') {
      throw new UnauthenticatedError(`Token has no "${p.config.consumerClaim}" claim`)
    }
    const consumer: Consumer = Object.freeze({
      id,
      plan: this.#consumers[id]?.plan,
      scopes: Object.freeze(stringList(claimAt(payload, p.config.scopesClaim))),
      roles: Object.freeze(stringList(claimAt(payload, p.config.rolesClaim))),
      claims: Object.freeze(payload),
      via: 'jwt' as const,
    })
    const forward: string[] = []
    for (const [header, path] of Object.entries(p.config.forwardClaims ?? {})) {
      const v = headerValue(claimAt(payload, path))
      if (v !== undefined) forward.push(header.toLowerCase(), v)
    }
    const until = payload.exp === undefined ? this.#clock.wallNow() + NO_EXP_MS : payload.exp * 1000 + p.skewMs
    const verified: Verified = { provider: p.config.name, consumer, forward, until }
    if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!)
    this.#cache.set(token, verified)
    return verified
  }
}

function issuerOf (token: string): string {
  try {
    return decodeJwt(token).iss ?? ''
  } catch {
    return ''
  }
}

function keyOf (config: JwtProviderConfig, jwks: ReadonlyMap<string, JwksCache>, baseDir: string): Provider['key'] {
  if (config.secret !== undefined) return new TextEncoder().encode(config.secret)
  if (config.publicKeyFile !== undefined) return createPublicKey(readFileSync(resolve(baseDir, config.publicKeyFile)))
  return jwks.get(config.name)!.getKey as JWTVerifyGetKey
}

/** A short reason for the 401 body: which check failed, never the token. */
function reason (err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'Token expired'
  if (err instanceof errors.JWTClaimValidationFailed) return `Token claim "${err.claim}" not accepted`
  if (err instanceof errors.JOSEAlgNotAllowed) return 'Token algorithm not allowed'
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'Token signature invalid'
  if (err instanceof errors.JWKSNoMatchingKey) return 'No key matches the token'
  return 'Invalid token'
}
