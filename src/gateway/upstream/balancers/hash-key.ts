import { ConfigError } from '../../../errors.js'
import { cookieValueStart, cookieValueEnd } from './cookie.js'
import { hash32 } from './hash.js'
import type { PickContext } from './balancer.js'

/** Hashes the request's key, or returns -1 when the request has none (the caller falls back). */
export type KeyHasher = (ctx: PickContext) => number

/** Compiles `header:NAME`, `cookie:NAME` or `ip` once, so a pick only reads and hashes in place. */
export function compileKeyHasher (hashOn: string): KeyHasher {
  if (hashOn === 'ip') {
    // The resolved client, not the socket: behind a proxy every socket is the proxy's.
    return (ctx) => ctx.clientIp === '' ? -1 : hash32(ctx.clientIp)
  }
  const colon = hashOn.indexOf(':')
  const source = hashOn.slice(0, colon)
  const name = hashOn.slice(colon + 1)
  if (colon > 0 && name !== '' && source === 'header') {
    const key = name.toLowerCase()
    return (ctx) => {
      const raw = ctx.headers[key]
      const value = Array.isArray(raw) ? raw[0] : raw
      return value === undefined || value === '' ? -1 : hash32(value)
    }
  }
  if (colon > 0 && name !== '' && source === 'cookie') {
    return (ctx) => {
      const header = ctx.headers.cookie
      if (header === undefined) return -1
      const start = cookieValueStart(header, name)
      if (start === -1) return -1
      const end = cookieValueEnd(header, start)
      return end === start ? -1 : hash32(header, start, end)
    }
  }
  throw new ConfigError([`balancer hashOn: expected "header:NAME", "cookie:NAME" or "ip", got "${hashOn}"`])
}
