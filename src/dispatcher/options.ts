// Validates and normalises `createDispatcher` options once, at construction: durations become ms,
// defaults are filled in, unknown keys are refused, and the result is frozen. Per-request code
// only reads these numbers.

import type { Clock, Random } from '../core/clock.js'
import type { BucketRule, LimiterStore } from '../core/limiter/limiter.js'
import type { Duration } from '../core/duration.js'
import { bool, duration, fail, number, obj, oneOf, optObj, size, string } from './check.js'
import type { Obj } from './check.js'
import type { CacheOptions } from './cache.js'
import type { FeedbackOptions } from './feedback.js'
import type { Transport } from './transport.js'
import type { DispatcherLogger } from './store-health.js'

export interface SupplierOptions {
  baseUrl: string
  /** The supplier's documented limit: `rps` per second, or `rate` per `per`; `burst` defaults to one second's worth. */
  rateLimit?: { rps?: number, rate?: number, per?: Duration, burst?: number }
  /** Concurrent requests in flight; also the undici pool's connection count. Default 10. */
  maxConcurrent?: number
  timeouts?: { connect?: Duration, request?: Duration }
  retry?: false | {
    attempts?: number,
    baseDelay?: Duration,
    maxDelay?: Duration,
    statuses?: number[],
    budget?: number,
    minRetriesPerSecond?: number,
    retryNonIdempotent?: boolean
  }
  circuitBreaker?: false | {
    failureRatio?: number,
    minimumRequests?: number,
    window?: Duration,
    openFor?: Duration,
    consecutiveFailures?: number,
    halfOpenRequests?: number
  }
  queue?: { maxSize?: number, agingAfter?: Duration }
  cache?: { ttl: Duration, maxEntries?: number, maxBytes?: string | number }
  headers?: Record<string, string>
  feedback?: { defaultPause?: Duration, maxPause?: Duration }
}

export type StoreOptions =
  | { type: 'memory', maxKeys?: number }
  | { type: 'redis', url: string, prefix?: string, onStoreError?: 'allow' | 'deny' }

export interface DispatcherOptions {
  suppliers: Record<string, SupplierOptions>
  queue?: { maxSize?: number, agingAfter?: Duration }
  /** Where rate-limit buckets live; a ready `LimiterStore` is accepted too (it is not closed by us). */
  store?: StoreOptions | LimiterStore
  clock?: Clock
  random?: Random
  /** Replaces the HTTP transport (tests, benchmarks). */
  transport?: Transport
  /**
   * Where store warnings go (a pino logger fits): Redis unreachable, still unreachable (at most
   * every 10 s), recovered. Default: one line on stderr through process.emitWarning, code
   * SLC_STORE_UNAVAILABLE.
   */
  logger?: DispatcherLogger
}

export interface RetryConfig {
  attempts: number,
  baseDelayMs: number,
  maxDelayMs: number,
  statuses: readonly number[]
  budget: number,
  minRetriesPerSecond: number,
  retryNonIdempotent: boolean
}

export interface BreakerConfig {
  failureRatio: number,
  minimumRequests: number,
  windowMs: number,
  openForMs: number
  consecutiveFailures: number | undefined,
  halfOpenRequests: number
}

export interface SupplierConfig {
  name: string
  origin: string
  basePath: string
  rule: BucketRule | undefined
  maxConcurrent: number
  connectTimeoutMs: number
  requestTimeoutMs: number
  retry: RetryConfig | undefined
  breaker: BreakerConfig | undefined
  queue: { maxSize: number, agingAfterMs: number }
  cache: CacheOptions | undefined
  headers: Readonly<Record<string, string>>
  feedback: FeedbackOptions
}

const SUPPLIER_KEYS = ['baseUrl', 'rateLimit', 'maxConcurrent', 'timeouts', 'retry', 'circuitBreaker', 'queue', 'cache', 'headers', 'feedback']

function rule (o: Obj | undefined, path: string): BucketRule | undefined {
  if (o === undefined) return undefined
  if (o.rps !== undefined && o.rate !== undefined) fail(path, 'give either rps or rate + per, not both')
  const rate = o.rps !== undefined ? number(o, 'rps', path, 0, { min: 1e-9 }) : number(o, 'rate', path, NaN, { min: 1e-9 })
  if (Number.isNaN(rate)) fail(`${path}.rps`, 'is required (or rate + per)')
  const periodMs = o.rps !== undefined ? 1000 : duration(o, 'per', path, 1000)
  if (periodMs <= 0) fail(`${path}.per`, 'must be positive')
  const burst = number(o, 'burst', path, Math.max(1, Math.floor(rate)), { min: 1 })
  return { rate, periodMs, burst }
}

function retry (value: unknown, path: string): RetryConfig | undefined {
  if (value === false) return undefined
  const o = optObj(value, path, ['attempts', 'baseDelay', 'maxDelay', 'statuses', 'budget', 'minRetriesPerSecond', 'retryNonIdempotent']) ?? {}
  const statuses = o.statuses ?? [429, 502, 503, 504]
  if (!Array.isArray(statuses) || !statuses.every(s => Number.isInteger(s) && s >= 100 && s <= 599)) {
    fail(`${path}.statuses`, 'must be a list of HTTP status codes')
  }
  return {
    attempts: number(o, 'attempts', path, 3, { min: 1, max: 20, int: true }),
    baseDelayMs: duration(o, 'baseDelay', path, 100),
    maxDelayMs: duration(o, 'maxDelay', path, 5000),
    statuses: Object.freeze([...statuses as number[]]),
    budget: number(o, 'budget', path, 0.2, { max: 10 }),
    minRetriesPerSecond: number(o, 'minRetriesPerSecond', path, 3),
    retryNonIdempotent: bool(o, 'retryNonIdempotent', path, false),
  }
}

function breaker (value: unknown, path: string): BreakerConfig | undefined {
  if (value === false) return undefined
  const o = optObj(value, path, ['failureRatio', 'minimumRequests', 'window', 'openFor', 'consecutiveFailures', 'halfOpenRequests']) ?? {}
  return {
    failureRatio: number(o, 'failureRatio', path, 0.5, { min: 0.01, max: 1 }),
    minimumRequests: number(o, 'minimumRequests', path, 20, { min: 1, int: true }),
    windowMs: duration(o, 'window', path, 10_000),
    openForMs: duration(o, 'openFor', path, 30_000),
    consecutiveFailures: o.consecutiveFailures === undefined ? undefined : number(o, 'consecutiveFailures', path, 5, { min: 1, int: true }),
    halfOpenRequests: number(o, 'halfOpenRequests', path, 1, { min: 1, int: true }),
  }
}

function queue (o: Obj | undefined, path: string, def: { maxSize: number, agingAfterMs: number }) {
  if (o === undefined) return def
  return {
    maxSize: number(o, 'maxSize', path, def.maxSize, { min: 1, int: true }),
    agingAfterMs: duration(o, 'agingAfter', path, def.agingAfterMs),
  }
}

function headers (value: unknown, path: string): Record<string, string> {
  if (value === undefined) return {}
  const o = obj(value, path, Object.keys(value as Obj))
  for (const [k, v] of Object.entries(o)) if (typeof v !== 'string') fail(`${path}.${k}`, 'must be a string')
  return Object.freeze({ ...o as Record<string, string> })
}

function supplier (name: string, value: unknown, defQueue: { maxSize: number, agingAfterMs: number }): SupplierConfig {
  const path = `suppliers.${name}`
  const o = obj(value, path, SUPPLIER_KEYS)
  const base = string(o, 'baseUrl', path) ?? fail(`${path}.baseUrl`, 'is required')
  let url: URL
  try { url = new URL(base) } catch { fail(`${path}.baseUrl`, `not a URL: ${base}`) }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`${path}.baseUrl`, 'must be http: or https:')
  const t = optObj(o.timeouts, `${path}.timeouts`, ['connect', 'request']) ?? {}
  const c = optObj(o.cache, `${path}.cache`, ['ttl', 'maxEntries', 'maxBytes'])
  if (c !== undefined && c.ttl === undefined) fail(`${path}.cache.ttl`, 'is required')
  const f = optObj(o.feedback, `${path}.feedback`, ['defaultPause', 'maxPause']) ?? {}
  return Object.freeze({
    name,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    rule: rule(optObj(o.rateLimit, `${path}.rateLimit`, ['rps', 'rate', 'per', 'burst']), `${path}.rateLimit`),
    maxConcurrent: number(o, 'maxConcurrent', path, 10, { min: 1, max: 10_000, int: true }),
    connectTimeoutMs: duration(t, 'connect', `${path}.timeouts`, 5000),
    requestTimeoutMs: duration(t, 'request', `${path}.timeouts`, 30_000),
    retry: retry(o.retry, `${path}.retry`),
    breaker: breaker(o.circuitBreaker, `${path}.circuitBreaker`),
    queue: queue(optObj(o.queue, `${path}.queue`, ['maxSize', 'agingAfter']), `${path}.queue`, defQueue),
    cache: c === undefined
      ? undefined
      : {
          ttlMs: duration(c, 'ttl', `${path}.cache`, 0),
          maxEntries: number(c, 'maxEntries', `${path}.cache`, 1000, { min: 1, int: true }),
          maxBytes: size(c, 'maxBytes', `${path}.cache`, 10 * 1024 * 1024),
        },
    headers: headers(o.headers, `${path}.headers`),
    feedback: {
      defaultPauseMs: duration(f, 'defaultPause', `${path}.feedback`, 1000),
      maxPauseMs: duration(f, 'maxPause', `${path}.feedback`, 60_000),
    },
  })
}

export interface NormalizedOptions {
  suppliers: ReadonlyMap<string, SupplierConfig>
  store: StoreOptions | LimiterStore
}

function store (value: unknown): StoreOptions | LimiterStore {
  if (value === undefined) return { type: 'memory', maxKeys: 10_000 }
  if (typeof value === 'object' && value !== null && typeof (value as Obj).take === 'function') return value as LimiterStore
  const o = obj(value, 'store', ['type', 'maxKeys', 'url', 'prefix', 'onStoreError'])
  const type = oneOf(o, 'type', 'store', ['memory', 'redis'] as const, 'memory')
  if (type === 'memory') {
    obj(value, 'store', ['type', 'maxKeys'])
    return { type, maxKeys: number(o, 'maxKeys', 'store', 10_000, { min: 1, int: true }) }
  }
  return {
    type,
    url: string(o, 'url', 'store') ?? fail('store.url', 'is required for a redis store'),
    prefix: string(o, 'prefix', 'store'),
    onStoreError: oneOf(o, 'onStoreError', 'store', ['allow', 'deny'] as const, 'allow'),
  }
}

export function normalizeOptions (options: DispatcherOptions): NormalizedOptions {
  const o = obj(options, 'options', ['suppliers', 'queue', 'store', 'clock', 'random', 'transport', 'logger'])
  if (o.logger !== undefined && typeof (o.logger as DispatcherLogger | null)?.warn !== 'function') fail('logger', 'must have a warn(obj, msg) method')
  const sup = obj(o.suppliers, 'suppliers', Object.keys((o.suppliers ?? {}) as Obj))
  if (Object.keys(sup).length === 0) fail('suppliers', 'declare at least one supplier')
  const defQueue = queue(optObj(o.queue, 'queue', ['maxSize', 'agingAfter']), 'queue', { maxSize: 1000, agingAfterMs: 5000 })
  const suppliers = new Map<string, SupplierConfig>()
  for (const [name, s] of Object.entries(sup)) suppliers.set(name, supplier(name, s, defQueue))
  return { suppliers, store: store(o.store) }
}
