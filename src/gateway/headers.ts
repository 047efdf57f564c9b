// Hop-by-hop header hygiene (RFC 9110 §7.6.1): a proxy must not forward the connection-scoped
// headers, nor any header the `Connection` field names. Both directions work on flat
// [name, value, name, value, …] arrays, the form node:http and undici accept without building
// an object, so a request costs one array.

import { ADDRESS_HEADERS } from './address-headers.js'

/** Headers never forwarded in either direction. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer']

/**
 * Dropped from the client's request: hop-by-hop, plus the ones the gateway rewrites itself
 * (host, X-Forwarded-*, X-Request-Id), `expect` (node:http already answered 100-continue,
 * and undici refuses the header), and the address claims only a trusted proxy may make (set aside
 * for the forwarded stage).
 */
const REQUEST_DROP = new Set([
  ...HOP_BY_HOP, 'proxy-authorization', 'expect', 'host',
  'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', ...ADDRESS_HEADERS,
])
/** The gateway sets X-Request-Id on every response itself, so an upstream's copy would be a duplicate. */
const RESPONSE_DROP = new Set([...HOP_BY_HOP, 'x-request-id'])
/** Lengths of the RESPONSE_DROP names: a name of any other length is kept without lowercasing it. */
const RESPONSE_DROP_LENGTHS = new Set([...RESPONSE_DROP].map(n => n.length))

/** What the single pass over the client's raw headers found. */
export interface RequestHeaderScan {
  /** The forwardable headers, flat. */
  headers: string[]
  host: string | undefined
  requestId: string | undefined
  forwardedFor: string | undefined
  forwardedProto: string | undefined
  forwardedHost: string | undefined
  /** RFC 7239 `Forwarded` lines joined with ", ". */
  forwarded: string | undefined
  /** The other ADDRESS_HEADERS, flat; kept out of `headers` until the peer proves trusted. */
  addressClaims: string[] | undefined
  /** The request has a body: a non-zero Content-Length or any Transfer-Encoding. */
  hasBody: boolean
  contentLength: number | undefined
}

export function scanRequestHeaders (raw: readonly string[]): RequestHeaderScan {
  const out: RequestHeaderScan = {
    headers: [],
    host: undefined,
    requestId: undefined,
    forwardedFor: undefined,
    forwardedProto: undefined,
    forwardedHost: undefined,
    forwarded: undefined,
    addressClaims: undefined,
    hasBody: false,
    contentLength: undefined,
  }
  let connection: string | undefined
  const headers = out.headers
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    const lower = name.toLowerCase()
    if (!REQUEST_DROP.has(lower)) {
      const v = raw[i + 1]!
      if (lower === 'content-length') {
        out.contentLength = Number(v)
        if (v !== '0') out.hasBody = true
      }
      headers.push(lower, v)
      continue
    }
    const value = raw[i + 1]!
    switch (lower) {
      case 'host': out.host = value; break
      case 'x-request-id': out.requestId ??= value; break
      // Repeated X-Forwarded-For lines form one list (RFC 9110 §5.3).
      case 'x-forwarded-for': out.forwardedFor = out.forwardedFor === undefined ? value : `${out.forwardedFor}, ${value}`; break
      case 'x-forwarded-proto': out.forwardedProto ??= value; break
      case 'x-forwarded-host': out.forwardedHost ??= value; break
      case 'transfer-encoding': out.hasBody = true; break
      case 'connection': connection = connection === undefined ? value : `${connection}, ${value}`; break
      case 'forwarded': out.forwarded = out.forwarded === undefined ? value : `${out.forwarded}, ${value}`; break
      default: if (ADDRESS_HEADERS.has(lower)) (out.addressClaims ??= []).push(lower, value)
    }
  }
  if (connection !== undefined) {
    dropListed(headers, connection)
    if (out.addressClaims !== undefined) dropListed(out.addressClaims, connection)
    if (out.forwarded !== undefined && connectionNames(connection, 'forwarded')) out.forwarded = undefined
  }
  return out
}

/** Filters an upstream response's raw headers (undici gives Buffers) into a flat string array. */
export function filterResponseHeaders (raw: readonly (Buffer | string)[]): string[] {
  const out: string[] = []
  let connection: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1')
    if (RESPONSE_DROP_LENGTHS.has(name.length)) {
      const lower = name.toLowerCase()
      if (RESPONSE_DROP.has(lower)) {
        if (lower === 'connection') connection = raw[i + 1]!.toString('latin1')
        continue
      }
    }
    out.push(name, raw[i + 1]!.toString('latin1'))
  }
  if (connection !== undefined) dropListed(out, connection, true)
  return out
}

/** Removes, in place, every header named in a `Connection` value (`close`/`keep-alive` name nothing extra). */
function dropListed (flat: string[], connection: string, lowerNeeded = false): void {
  const only = connection.length <= 10 ? connection.toLowerCase() : ''
  if (only === 'keep-alive' || only === 'close') return
  const listed = new Set<string>()
  for (const token of connection.split(',')) {
    const t = token.trim().toLowerCase()
    if (t !== '' && t !== 'close' && t !== 'keep-alive') listed.add(t)
  }
  if (listed.size === 0) return
  let w = 0
  for (let r = 0; r < flat.length; r += 2) {
    const n = flat[r]!
    if (listed.has(lowerNeeded ? n.toLowerCase() : n)) continue
    flat[w++] = n
    flat[w++] = flat[r + 1]!
  }
  flat.length = w
}

/** True when a `Connection` value lists `name` (lowercase). */
function connectionNames (connection: string, name: string): boolean {
  return connection.split(',').some(t => t.trim().toLowerCase() === name)
}

/** Value of `name` (lowercase) in a flat header array, or undefined. */
export function getHeader (flat: readonly string[], name: string): string | undefined {
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() === name) return flat[i + 1]
  return undefined
}

/** Replaces every `name` (lowercase) in a flat header array with one value. */
export function setHeader (flat: string[], name: string, value: string): void {
  removeHeader(flat, name)
  flat.push(name, value)
}

export function removeHeader (flat: string[], name: string): void {
  let w = 0
  for (let r = 0; r < flat.length; r += 2) {
    if (flat[r]!.toLowerCase() === name) continue
    flat[w++] = flat[r]!
    flat[w++] = flat[r + 1]!
  }
  flat.length = w
}
