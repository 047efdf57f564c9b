// Retry-After (RFC 9110 §10.2.3) is either delay-seconds or an HTTP-date. Both the retry policy and
// the breaker honour it, from a response header or from an error that carries `retryAfterMs`.

import { SluiceError } from '../errors.js'

export type HeaderValue = string | string[] | undefined

/**
 * The minimal shape of an HTTP response as policies see it: headers by lowercase name (the
 * dispatcher's answers), or a flat [name, value, …] list with names in any case (the gateway's heads).
 */
export interface ResponseLike {
  status: number
  headers: Record<string, HeaderValue> | readonly string[]
}

function header (headers: ResponseLike['headers'], name: string): HeaderValue {
  if (!isList(headers)) return headers[name]
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === name) return headers[i + 1]
  }
  return undefined
}

function isList (headers: ResponseLike['headers']): headers is readonly string[] {
  return Array.isArray(headers)
}

export function looksLikeResponse (r: unknown): r is ResponseLike {
  if (typeof r !== 'object' || r === null) return false
  const { status, headers } = r as { status?: unknown, headers?: unknown }
  return typeof status === 'number' && typeof headers === 'object' && headers !== null
}

const SECONDS = /^\s*(-?\d+)\s*$/

/** Milliseconds to wait, or undefined when absent or malformed. Past dates and negative numbers → 0. */
export function parseRetryAfter (value: HeaderValue, nowWallMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  const secs = SECONDS.exec(v)
  if (secs) return Math.max(0, Number(secs[1]) * 1000)
  // Only an IMF-fixdate-like string is a date; Date.parse alone would accept "5" or "1.5".
  if (!/[a-z]/i.test(v)) return undefined
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowWallMs)
}

/** The Retry-After of a response-like result, in ms; undefined for anything else. */
export function retryAfterFromResponse (r: unknown, nowWallMs: number = Date.now()): number | undefined {
  return looksLikeResponse(r) ? parseRetryAfter(header(r.headers, 'retry-after'), nowWallMs) : undefined
}

/** `retryAfterMs` declared by a Sluice error (RateLimitedError, CircuitOpenError…), capped below at 0. */
export function retryAfterFromError (err: unknown): number | undefined {
  if (!SluiceError.is(err)) return undefined
  const ms = err.retryAfterMs
  return ms !== undefined && Number.isFinite(ms) ? Math.max(0, ms) : undefined
}
