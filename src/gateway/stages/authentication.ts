// The authentication half of a route's `auth` block: establishes ctx.consumer from a JWT
// (Authorization: Bearer) or an API key, or answers 401 SLC_UNAUTHENTICATED with an RFC 6750
// challenge. Any one accepted method suffices; the first method in `methods` whose credential the
// request carries decides, so a bad token is not retried as something else.
//
// Client-sent X-Consumer-* and identity headers are already gone (consumer-headers.ts, built in
// on every route); the consumer id goes upstream as X-Consumer-Id. The Authorization header is
// forwarded untouched (upstreams may verify the token again).
//
// A token seen before is answered from JwtAuth's cache without a promise, so a reused token costs
// a map lookup on the hot path.

import type { StageOptions } from '../../config/schema/index.js'
import { UnauthenticatedError } from '../../errors.js'
import type { RequestContext, Stage } from '../contract.js'
import type { Verified } from '../auth/jwt-auth.js'
import { apiKeyAuthFor, jwtAuthFor } from '../auth/resources.js'
import type { AuthDeps } from '../auth/resources.js'

// Missing and invalid credentials get the same challenge, as the gateway's contract states (one
// check for clients). RFC 6750 §3.1 would leave the error code out when nothing was sent; that is
// a SHOULD NOT, and one challenge also tells a prober nothing about which case it hit.
const MISSING = 'Bearer realm="sluice", error="invalid_token"'
const INVALID = MISSING

export function createAuthenticationStage (options: StageOptions['auth'], deps: AuthDeps): Stage {
  const jwtMethods = options.methods.filter(m => m === 'jwt' || m.startsWith('jwt:'))
  // undefined: any configured issuer.
  const issuers = jwtMethods.length === 0 || jwtMethods.includes('jwt')
    ? undefined
    : new Set(jwtMethods.map(m => m.slice(4)))
  const jwt = jwtMethods.length > 0 ? jwtAuthFor(deps) : undefined
  const keys = options.methods.includes('apiKey') ? apiKeyAuthFor(deps) : undefined
  const keyHeader = deps.config.auth?.apiKeys?.header.toLowerCase()
  const order = options.methods.map(m => m === 'apiKey' ? 'apiKey' : 'jwt').filter((m, i, a) => a.indexOf(m) === i)

  function accept (ctx: RequestContext, consumer: Verified['consumer'], forward: readonly string[]): undefined {
    ctx.consumer = consumer
    ctx.upstreamHeaders.push('x-consumer-id', consumer.id, ...forward)
    return undefined
  }

  function refuse (ctx: RequestContext, err: unknown, challenge: string): never {
    ctx.addResponseHeader('www-authenticate', challenge)
    throw err
  }

  function acceptJwt (ctx: RequestContext, v: Verified): undefined {
    if (issuers !== undefined && !issuers.has(v.provider)) {
      refuse(ctx, new UnauthenticatedError('Token issuer not accepted'), INVALID)
    }
    return accept(ctx, v.consumer, v.forward)
  }

  return {
    name: 'authentication',
    onRequest (ctx) {
      for (const method of order) {
        if (method === 'jwt') {
          const token = bearer(ctx.headers.authorization)
          if (token === undefined) continue
          const hit = jwt!.cached(token, undefined)
          if (hit !== undefined) return acceptJwt(ctx, hit)
          return jwt!.verify(token, undefined).then(v => acceptJwt(ctx, v), err => refuse(ctx, err, INVALID))
        }
        const key = keyHeader === undefined ? undefined : ctx.headers[keyHeader]
        if (typeof key !== 'string' || key === '') continue
        let found
        try {
          found = keys!.check(key)
        } catch (err) {
          refuse(ctx, err, INVALID)
        }
        if (!(found instanceof Promise)) return accept(ctx, found, [])
        return found.then(c => accept(ctx, c, []), err => refuse(ctx, err, INVALID))
      }
      return refuse(ctx, new UnauthenticatedError('Credentials required'), MISSING)
    },
  }
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1). */
function bearer (authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.length < 8) return undefined
  if (authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined
  const token = authorization.slice(7).trim()
  return token === '' ? undefined : token
}
