import { COOKIE_NAME_RULE, isCookieName } from '../../../config/build-rules.js'
import { ConfigError } from '../../../errors.js'
import { isEligible } from './balancer.js'
import { cookieValueStart, cookieValueEnd } from './cookie.js'
import { hash32 } from './hash.js'
import type { AffinityOptions, Balancer, BalancerTarget, PickContext } from './balancer.js'

/**
 * Sticky sessions: a request whose cookie names an eligible target goes there; any other request
 * is balanced by `inner` and told, through `ctx.setCookie`, to come back to what it got. The cookie
 * carries a hash of the target id, not the id itself, so clients never learn upstream addresses.
 * When the pinned target is unavailable or excluded (a retry after it failed), the request is
 * re-pinned rather than failed, which is what a client of a stateless-enough service wants.
 */
export function withCookieAffinity<T extends BalancerTarget> (
  inner: Balancer<T>,
  targets: readonly T[],
  options: AffinityOptions
): Balancer<T> {
  const { cookie, ttlMs } = options
  // The loader reports these with a position (config/check.ts); this guards direct callers.
  if (!isCookieName(cookie)) throw new ConfigError([`balancer affinity.cookie: "${cookie}" is not a valid cookie name (${COOKIE_NAME_RULE})`])
  if (!(ttlMs > 0)) throw new ConfigError([`balancer affinity.ttlMs: must be > 0, got ${ttlMs}`])
  const maxAge = Math.max(1, Math.floor(ttlMs / 1000))
  const values = opaqueValues(targets)
  const setCookies = new Map(targets.map((t, i) => [t, `${cookie}=${values[i]}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`]))

  function pinned (header: string | undefined): number {
    if (header === undefined) return -1
    const start = cookieValueStart(header, cookie)
    if (start === -1) return -1
    const end = cookieValueEnd(header, start)
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as string
      if (v.length === end - start && header.startsWith(v, start)) return i
    }
    return -1
  }

  return {
    pick (ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined {
      const i = pinned(ctx.headers.cookie)
      if (i !== -1 && isEligible(targets[i] as T, exclude)) return targets[i]
      const t = inner.pick(ctx, exclude)
      if (t !== undefined) ctx.setCookie = setCookies.get(t)
      return t
    },
  }
}

/** Short stable values, one per target, distinct within the upstream (re-salted on a collision). */
function opaqueValues (targets: readonly BalancerTarget[]): string[] {
  const seen = new Set<string>()
  return targets.map(t => {
    for (let salt = 0; ; salt++) {
      const v = hash32(salt === 0 ? t.id : `${t.id}#${salt}`).toString(36)
      if (!seen.has(v)) {
        seen.add(v)
        return v
      }
    }
  })
}
