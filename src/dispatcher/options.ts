// `createDispatcher` options: validated by the one schema of the suppliers file
// (src/config/schema/dispatcher.ts, which also holds every default), then turned once into the
// numbers per-request code reads (durations in ms, sizes in bytes), frozen. Every problem is
// reported at once, as for the YAML file.

import type { Clock, Random } from '../core/clock.js'
import type { BucketRule, LimiterStore } from '../core/limiter/limiter.js'
import { parseDuration, parseSize } from '../core/duration.js'
import { checkDispatcherConfig } from '../config/check-dispatcher.js'
import { DispatcherConfigSchema } from '../config/schema/dispatcher.js'
import type { DispatcherConfig, StoreOptions, SupplierOptions } from '../config/schema/dispatcher.js'
import { validateValue } from '../config/validate-value.js'
import { InvalidOptionsError } from '../errors.js'
import { packageVersion } from '../version.js'
import type { CacheOptions } from './cache.js'
import type { FeedbackOptions } from './feedback.js'
import type { Transport } from './transport.js'
import type { StoreLogger as DispatcherLogger } from '../core/limiter/store-health.js'
import type { TracingConfig } from '../config/schema/tracing.js'

export type { StoreOptions, SupplierOptions } from '../config/schema/dispatcher.js'

/**
 * What createDispatcher takes: the suppliers file's keys, and a few that only code can give.
 * `S` is the union of the supplier names, inferred from `suppliers`.
 */
export interface DispatcherOptions<S extends string = string> extends Omit<DispatcherConfig<S>, 'store'> {
  /** Where rate-limit buckets live; a ready `LimiterStore` is accepted too (it is not closed by us). */
  store?: StoreOptions | LimiterStore
  /** Time source for buckets, backoff, deadlines and breakers [systemClock]; a `ManualClock` in tests. */
  clock?: Clock
  /** Randomness in [0, 1) for backoff jitter [Math.random]; seed it in tests. */
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
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  statuses: readonly number[]
  budget: number
  minRetriesPerSecond: number
  retryNonIdempotent: boolean
}

export interface BreakerConfig {
  failureRatio: number
  minimumRequests: number
  windowMs: number
  openForMs: number
  consecutiveFailures: number | undefined
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
  maxResponseBytes: number
}

export interface NormalizedOptions {
  suppliers: ReadonlyMap<string, SupplierConfig>
  store: StoreOptions | LimiterStore
  /** Defaults filled in; undefined when tracing is off. */
  tracing: TracingConfig | undefined
}

/** A validated value: the schema filled in every key that has a default. */
type Filled<T> = Required<Exclude<T, false | undefined>>

const ms = (d: string | number): number => parseDuration(d)
const bytes = (s: string | number): number => parseSize(s)

function rule (r: SupplierOptions['rateLimit']): BucketRule | undefined {
  if (r === undefined) return undefined
  const rate = (r.rps ?? r.rate)!
  return { rate, periodMs: r.rps !== undefined ? 1000 : ms(r.per!), burst: r.burst ?? Math.max(1, Math.floor(rate)) }
}

function retry (value: SupplierOptions['retry']): RetryConfig | undefined {
  if (value === false) return undefined
  const r = value as Filled<SupplierOptions['retry']>
  return {
    attempts: r.attempts,
    baseDelayMs: ms(r.baseDelay),
    maxDelayMs: ms(r.maxDelay),
    statuses: Object.freeze([...r.statuses]),
    budget: r.budget,
    minRetriesPerSecond: r.minRetriesPerSecond,
    retryNonIdempotent: r.retryNonIdempotent,
  }
}

function breaker (value: SupplierOptions['circuitBreaker']): BreakerConfig | undefined {
  if (value === false) return undefined
  const b = value as Filled<SupplierOptions['circuitBreaker']>
  return {
    failureRatio: b.failureRatio,
    minimumRequests: b.minimumRequests,
    windowMs: ms(b.window),
    openForMs: ms(b.openFor),
    consecutiveFailures: value?.consecutiveFailures,
    halfOpenRequests: b.halfOpenRequests,
  }
}

/**
 * A supplier's own headers, names in lower case so that a request's headers replace them whatever
 * their case (HTTP names are case-insensitive; two spellings would send the header twice).
 */
function supplierHeaders (headers: SupplierOptions['headers'], userAgent: string): Readonly<Record<string, string>> {
  const out: Record<string, string> = { 'user-agent': userAgent }
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v
  return Object.freeze(out)
}

function supplier (name: string, s: SupplierOptions, defaults: Filled<DispatcherConfig['queue']>, userAgent: string): SupplierConfig {
  const url = new URL(s.baseUrl)
  const timeouts = s.timeouts as Filled<SupplierOptions['timeouts']>
  const feedback = s.feedback as Filled<SupplierOptions['feedback']>
  const cache = s.cache as Filled<SupplierOptions['cache']> | undefined
  return Object.freeze({
    name,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    rule: rule(s.rateLimit),
    maxConcurrent: s.maxConcurrent!,
    connectTimeoutMs: ms(timeouts.connect),
    requestTimeoutMs: ms(timeouts.request),
    retry: retry(s.retry),
    breaker: breaker(s.circuitBreaker),
    queue: {
      maxSize: s.queue?.maxSize ?? defaults.maxSize,
      agingAfterMs: ms(s.queue?.agingAfter ?? defaults.agingAfter),
    },
    cache: cache === undefined
      ? undefined
      : { ttlMs: ms(cache.ttl), maxEntries: cache.maxEntries, maxBytes: bytes(cache.maxBytes) },
    headers: supplierHeaders(s.headers, userAgent),
    feedback: { defaultPauseMs: ms(feedback.defaultPause), maxPauseMs: ms(feedback.maxPause) },
    maxResponseBytes: bytes(s.maxResponseSize!),
  })
}

const isStore = (v: unknown): v is LimiterStore =>
  typeof v === 'object' && v !== null && typeof (v as LimiterStore).take === 'function'

/** Problems with the options that only code can give (the schema knows the file's keys only). */
function codeOptionProblems (o: DispatcherOptions): string[] {
  const problems: string[] = []
  const clock = o.clock as Partial<Clock> | undefined
  if (clock !== undefined && (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function')) problems.push('clock: must have now() and setTimeout()')
  if (o.random !== undefined && typeof o.random !== 'function') problems.push('random: must be a function returning [0, 1)')
  if (o.transport !== undefined && typeof o.transport !== 'function') problems.push('transport: must be a function of the supplier')
  if (o.logger !== undefined && typeof (o.logger as Partial<DispatcherLogger> | null)?.warn !== 'function') problems.push('logger: must have a warn(obj, msg) method')
  return problems
}

export function normalizeOptions (options: DispatcherOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionsError('dispatcher options: must be an object')
  }
  const { clock: _c, random: _r, transport: _t, logger: _l, store, ...file } = options
  const ready = isStore(store) ? store : undefined
  const raw = ready === undefined ? { ...file, store } : file
  const { value, problems } = validateValue(DispatcherConfigSchema, raw, checkDispatcherConfig)
  problems.push(...codeOptionProblems(options))
  if (problems.length > 0) {
    throw new InvalidOptionsError(`invalid dispatcher options:\n  ${problems.join('\n  ')}`)
  }
  const queue = value.queue as Filled<DispatcherConfig['queue']>
  const suppliers = new Map<string, SupplierConfig>()
  const userAgent = `sluice/${packageVersion()}`
  for (const [name, s] of Object.entries(value.suppliers)) suppliers.set(name, supplier(name, s, queue, userAgent))
  return { suppliers, store: ready ?? value.store!, tracing: value.tracing as TracingConfig | undefined }
}
