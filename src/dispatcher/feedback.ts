// Reads what a supplier says about its own limits and turns it into "pause this supplier's bucket
// for N ms". A 429 means the whole supplier window is spent, not only this request's: every queued
// call would get the same answer, so the bucket (shared through Redis when configured) is emptied
// until the announced reset instead of letting each call discover it separately.

import { parseRetryAfter } from '../core/retry-after.js'
import type { ResponseHeaders } from './response.js'

export interface FeedbackOptions {
  /** Pause after a 429 that announces no reset. */
  defaultPauseMs: number
  /** Upper bound on any announced pause, so a bogus header cannot stall a supplier for hours. */
  maxPauseMs: number
}

function header (headers: ResponseHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

function num (value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const n = Number(value.trim())
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

/** `RateLimit: limit=10, remaining=0, reset=5` (draft ≤ 07) or `"default";r=0;t=5` (draft ≥ 08). */
function parseRateLimitField (value: string): { remaining?: number, reset?: number } {
  const out: { remaining?: number, reset?: number } = {}
  for (const part of value.split(/[;,]/)) {
    const [k, v] = part.split('=').map(s => s.trim())
    if (k === undefined || v === undefined) continue
    if (k === 'remaining' || k === 'r') out.remaining = num(v)
    else if (k === 'reset' || k === 't') out.reset = num(v)
  }
  return out
}

/** X-RateLimit-Reset is a delta in seconds for some APIs and an epoch (s or ms) for others. */
function resetToMs (reset: number, wallNow: number): number {
  if (reset > 1e12) return reset - wallNow
  if (reset > 1e9) return reset * 1000 - wallNow
  return reset * 1000
}

const LIMIT_HEADERS = [['ratelimit-remaining', 'ratelimit-reset'], ['x-ratelimit-remaining', 'x-ratelimit-reset']] as const

function limitHeaders (headers: ResponseHeaders, wallNow: number): number | undefined {
  const combined = header(headers, 'ratelimit')
  if (combined !== undefined) {
    const { remaining, reset } = parseRateLimitField(combined)
    if (remaining === 0 && reset !== undefined) return reset * 1000
  }
  for (const [remainingName, resetName] of LIMIT_HEADERS) {
    const remaining = num(header(headers, remainingName))
    const reset = num(header(headers, resetName))
    if (remaining === 0 && reset !== undefined) return resetToMs(reset, wallNow)
  }
  return undefined
}

/**
 * False when `pauseFromResponse` would say nothing whatever the time: most answers (no 429/503, no
 * rate-limit headers) then cost no wall-clock reading.
 */
export function mayAnnouncePause (status: number, headers: ResponseHeaders): boolean {
  return status === 429 || status === 503 || headers.ratelimit !== undefined ||
    headers['ratelimit-remaining'] !== undefined || headers['x-ratelimit-remaining'] !== undefined
}

/** Milliseconds to pause the supplier's bucket for, or undefined when the answer says nothing. */
export function pauseFromResponse (
  status: number, headers: ResponseHeaders, wallNow: number, opts: FeedbackOptions
): number | undefined {
  let ms: number | undefined
  const retryAfter = header(headers, 'retry-after')
  if ((status === 429 || status === 503) && retryAfter !== undefined) ms = parseRetryAfter(retryAfter, wallNow)
  ms ??= limitHeaders(headers, wallNow)
  if (ms === undefined && status === 429) ms = opts.defaultPauseMs
  if (ms === undefined || !(ms > 0)) return undefined
  return Math.min(Math.ceil(ms), opts.maxPauseMs)
}
