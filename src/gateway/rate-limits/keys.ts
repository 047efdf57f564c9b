// What a limit counts by, compiled once per limit into one function from a request to a counter
// key part. Key parts come from client input, so two bounds hold whatever a client sends:
//   - no collisions: each part is tagged with its kind and URI-encoded, so a header value cannot
//     pose as another part or as a client address (`h=1.2.3.4` is never `ip=1.2.3.4`);
//   - bounded size: a value longer than LONG_VALUE is replaced by its SHA-256, so maxKeys counters
//     hold at most maxKeys × a few hundred bytes even when every header is 16 KiB.
// A part the request lacks (no such header, query parameter or claim; no consumer) counts by the
// client address instead, tagged as such: an anonymous caller is limited as a client, never waved
// through and never pooled with every other anonymous caller into one shared counter.

import { createHash } from 'node:crypto'
import type { RequestContext } from '../contract.js'

export type KeyFn = (ctx: RequestContext) => string

const LONG_VALUE = 64

function encode (value: string): string {
  return value.length > LONG_VALUE
    ? `#${createHash('sha256').update(value).digest('base64url')}`
    : encodeURIComponent(value)
}

// One-entry memo: consecutive requests mostly come from the same few addresses (keep-alive
// connections), and the encoded part is asked for on every limited request.
let lastIp = ''
let lastIpPart = 'ip='
function byIp (ctx: RequestContext): string {
  const ip = ctx.clientIp
  if (ip !== lastIp) {
    lastIpPart = `ip=${encode(ip)}`
    lastIp = ip
  }
  return lastIpPart
}

/** The key part of consumer `id` (what `consumer` yields for an authenticated request). */
export const consumerPart = (id: string): string => `c=${encode(id)}`

function claimAt (claims: Readonly<Record<string, unknown>>, path: readonly string[]): string | undefined {
  let v: unknown = claims
  for (const step of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, step)) return undefined
    v = (v as Record<string, unknown>)[step]
  }
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined
}

function compilePart (part: string): KeyFn {
  if (part === 'ip') return byIp
  if (part === 'route') return () => 'route'
  if (part === 'consumer') {
    return ctx => ctx.consumer === undefined ? byIp(ctx) : consumerPart(ctx.consumer.id)
  }
  const colon = part.indexOf(':')
  const kind = part.slice(0, colon)
  const name = part.slice(colon + 1)
  if (kind === 'header') {
    const lower = name.toLowerCase()
    return (ctx) => {
      const v = ctx.headers[lower]
      if (v === undefined) return byIp(ctx)
      return `h=${encode(Array.isArray(v) ? v.join(', ') : v)}`
    }
  }
  if (kind === 'query') {
    return (ctx) => {
      const v = ctx.query === '' ? null : new URLSearchParams(ctx.query).get(name)
      return v === null ? byIp(ctx) : `q=${encode(v)}`
    }
  }
  if (kind === 'claim') {
    const path = name.split('.')
    return (ctx) => {
      const v = ctx.consumer === undefined ? undefined : claimAt(ctx.consumer.claims, path)
      return v === undefined ? byIp(ctx) : `k=${encode(v)}`
    }
  }
  // The schema's pattern admits nothing else; reaching here is a bug, not bad input.
  throw new Error(`unknown rate-limit key part ${part}`)
}

/** One function for a key (a part or a list of parts); list parts are joined with `&`. */
export function compileKey (key: string | readonly string[]): KeyFn {
  const parts = (typeof key === 'string' ? [key] : key).map(compilePart)
  if (parts.length === 1) return parts[0]!
  return ctx => parts.map(p => p(ctx)).join('&')
}
