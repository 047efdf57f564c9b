// GET response cache with request coalescing. Identical GETs in flight share one upstream call;
// finished 2xx answers are kept for `ttlMs`. Memory is bounded twice (entry count and body bytes),
// evicting least recently used first, because a cache keyed by request is keyed by caller input.

import type { Clock } from '../core/clock.js'
import { AbortedError } from '../errors.js'
import type { AttemptResult } from './response.js'

export interface CacheOptions {
  ttlMs: number
  maxEntries: number
  maxBytes: number
}

interface Entry { value: AttemptResult, expires: number, bytes: number }

interface Flight {
  promise: Promise<AttemptResult>
  controller: AbortController
  waiters: number
}

export interface ResponseCache {
  /** A fresh cached answer, or undefined. */
  get (key: string): AttemptResult | undefined
  /** Keeps `value` when it is cacheable (2xx, no `no-store`/`private`). */
  set (key: string, value: AttemptResult): void
  /**
   * Runs `fn` once for all callers sharing `key` while it is in flight. The shared call is aborted
   * only when every caller waiting on it has aborted. `shared` tells a caller it joined another's call.
   */
  coalesce (key: string, signal: AbortSignal, fn: (signal: AbortSignal) => Promise<AttemptResult>):
  Promise<{ value: AttemptResult, shared: boolean }>
  readonly size: number
  readonly bytes: number
  clear (): void
}

function maxAgeMs (value: AttemptResult): number | undefined {
  const cc = value.headers['cache-control']
  if (typeof cc !== 'string') return undefined
  if (/\b(no-store|private|no-cache)\b/i.test(cc)) return 0
  const m = /\bmax-age=(\d+)/i.exec(cc)
  return m ? Number(m[1]) * 1000 : undefined
}

export function cacheKey (supplier: string, path: string, headers: Record<string, string>): string {
  const h = Object.keys(headers).map(k => k.toLowerCase() + ':' + headers[k]).sort().join('\n')
  return `${supplier}\n${path}\n${h}`
}

export function createResponseCache (opts: CacheOptions, deps: { clock: Clock }): ResponseCache {
  const entries = new Map<string, Entry>()
  const flights = new Map<string, Flight>()
  let bytes = 0

  const drop = (key: string, e: Entry): void => {
    entries.delete(key)
    bytes -= e.bytes
  }

  function waitFor (flight: Flight, signal: AbortSignal): Promise<AttemptResult> {
    if (signal.aborted) return Promise.reject(signal.reason ?? new AbortedError())
    flight.waiters++
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        if (--flight.waiters === 0) flight.controller.abort(signal.reason)
        reject(signal.reason ?? new AbortedError())
      }
      signal.addEventListener('abort', onAbort, { once: true })
      flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  return {
    get (key) {
      const e = entries.get(key)
      if (e === undefined) return undefined
      if (e.expires <= deps.clock.now()) {
        drop(key, e)
        return undefined
      }
      entries.delete(key)
      entries.set(key, e)
      return e.value
    },

    set (key, value) {
      if (value.status < 200 || value.status >= 300) return
      const ttl = Math.min(opts.ttlMs, maxAgeMs(value) ?? Infinity)
      const size = value.body.length + key.length
      if (ttl <= 0 || size > opts.maxBytes) return
      const old = entries.get(key)
      if (old !== undefined) drop(key, old)
      entries.set(key, { value, expires: deps.clock.now() + ttl, bytes: size })
      bytes += size
      for (const [k, e] of entries) {
        if (entries.size <= opts.maxEntries && bytes <= opts.maxBytes) break
        drop(k, e)
      }
    },

    async coalesce (key, signal, fn) {
      const existing = flights.get(key)
      if (existing !== undefined) return { value: await waitFor(existing, signal), shared: true }
      const controller = new AbortController()
      const flight: Flight = { promise: fn(controller.signal), controller, waiters: 0 }
      flights.set(key, flight)
      flight.promise.then(() => {}, () => {}).finally(() => {
        if (flights.get(key) === flight) flights.delete(key)
      })
      return { value: await waitFor(flight, signal), shared: false }
    },

    get size () { return entries.size },
    get bytes () { return bytes },
    clear () {
      entries.clear()
      bytes = 0
    },
  }
}
