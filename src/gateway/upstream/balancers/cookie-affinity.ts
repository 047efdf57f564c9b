import { createHmac } from 'node:crypto'
import { COOKIE_NAME_RULE, isCookieName } from '../../../config/build-rules.js'
import { ConfigError } from '../../../errors.js'
import { isEligible } from './balancer.js'
import { cookieValueStart, cookieValueEnd } from './cookie.js'
import type { AffinityOptions, Balancer, BalancerTarget, PickContext } from './balancer.js'

/** 22 base64url characters: 132 bits of the HMAC, beyond guessing, and valid cookie octets. */
const VALUE_LENGTH = 22

/**
 * Sticky sessions: a request whose cookie names an eligible target goes there; any other request
 * is balanced by `inner` and told, through `ctx.setCookie`, to come back to what it got.
 *
 * The value is an HMAC of the target id under `key`, so it neither reveals the upstream address
 * nor can be computed without the key: a client can return to a target it was given, never pick
 * one it was not (an unkeyed hash of a guessable URL would let it). Values are looked up, not
 * verified, so an unknown value is simply an unpinned request.
 *
 * When the pinned target is unavailable or excluded (a retry after it failed), the request is
 * re-pinned rather than failed, which is what a client of a stateless-enough service wants.
 * `Secure` is added when the client came over https, so a browser never sends the pin in clear.
 */
export function withCookieAffinity<T extends BalancerTarget> (
  inner: Balancer<T>,
  targets: readonly T[],
  options: AffinityOptions
): Balancer<T> {
  const { cookie, ttlMs, key } = options
  // The loader reports these with a position (config/check.ts); this guards direct callers.
  if (!isCookieName(cookie)) throw new ConfigError([`balancer affinity.cookie: "${cookie}" is not a valid cookie name (${COOKIE_NAME_RULE})`])
  if (!(ttlMs > 0)) throw new ConfigError([`balancer affinity.ttlMs: must be > 0, got ${ttlMs}`])
  const maxAge = Math.max(1, Math.floor(ttlMs / 1000))
  const byValue = new Map<string, T>()
  const setCookies = new Map<T, readonly [plain: string, secure: string]>()
  for (const t of targets) {
    const value = createHmac('sha256', key).update(t.id).digest('base64url').slice(0, VALUE_LENGTH)
    byValue.set(value, t)
    const plain = `${cookie}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`
    setCookies.set(t, [plain, `${plain}; Secure`])
  }

  function pinned (header: string | undefined): T | undefined {
    if (header === undefined) return undefined
    const start = cookieValueStart(header, cookie)
    if (start === -1) return undefined
    const end = cookieValueEnd(header, start)
    return end - start === VALUE_LENGTH ? byValue.get(header.slice(start, end)) : undefined
  }

  return {
    pick (ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined {
      const p = pinned(ctx.headers.cookie)
      if (p !== undefined && isEligible(p, exclude)) return p
      const t = inner.pick(ctx, exclude)
      if (t !== undefined) ctx.setCookie = setCookies.get(t)![ctx.secure === true ? 1 : 0]
      return t
    },
  }
}
