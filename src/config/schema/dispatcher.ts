// Schema of `suppliers.yaml`, the config file of `sluice dispatch`: the same options as
// `createDispatcher`, durations and sizes as strings. Defaults are the library's, applied by
// src/dispatcher/options.ts, so the file and the API cannot drift apart on them.
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Duration, Name, Size } from './common.js'

const strict = { additionalProperties: false }

const RateLimit = Type.Object({
  rps: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Requests per second the supplier allows' })),
  rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Requests allowed per `per` (instead of rps)' })),
  per: Type.Optional(Duration({ description: 'Window of `rate` [1s]' })),
  burst: Type.Optional(Type.Integer({ minimum: 1, description: 'Bucket size [one second of rate]' })),
}, { ...strict, description: "The supplier's documented limit, enforced as a token bucket" })

const Retry = Type.Object({
  attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Total attempts including the first [3]' })),
  baseDelay: Type.Optional(Duration({ description: 'First backoff cap, full jitter [100ms]' })),
  maxDelay: Type.Optional(Duration({ description: 'Longest backoff [5s]' })),
  statuses: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { description: 'Statuses worth another attempt [429, 502, 503, 504]' })),
  budget: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: 'Retries allowed as a share of requests over 10s [0.2]' })),
  minRetriesPerSecond: Type.Optional(Type.Number({ minimum: 0, description: 'Retries always allowed per second [3]' })),
  retryNonIdempotent: Type.Optional(Type.Boolean({ description: 'Retry POST/PATCH without an Idempotency-Key [false]' })),
}, strict)

const Breaker = Type.Object({
  failureRatio: Type.Optional(Type.Number({ minimum: 0.01, maximum: 1, description: 'Open at this failure share [0.5]' })),
  minimumRequests: Type.Optional(Type.Integer({ minimum: 1, description: 'Calls needed in the window before the ratio counts [20]' })),
  window: Type.Optional(Duration({ description: 'Rolling window of the ratio [10s]' })),
  openFor: Type.Optional(Duration({ description: 'Time open before probing [30s]' })),
  consecutiveFailures: Type.Optional(Type.Integer({ minimum: 1, description: 'Also open after this many failures in a row' })),
  halfOpenRequests: Type.Optional(Type.Integer({ minimum: 1, description: 'Probes let through when half-open [1]' })),
}, strict)

const Queue = Type.Object({
  maxSize: Type.Optional(Type.Integer({ minimum: 1, description: 'Queued calls before SLC_QUEUE_FULL [1000]' })),
  agingAfter: Type.Optional(Duration({ description: 'A call waiting longer moves up one priority level [5s]' })),
}, strict)

export const SupplierSchema = Type.Object({
  baseUrl: Type.String({ pattern: '^https?://', description: 'Origin and optional base path of the supplier API' }),
  rateLimit: Type.Optional(RateLimit),
  maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Calls in flight; also the connection pool size [10]' })),
  timeouts: Type.Optional(Type.Object({
    connect: Type.Optional(Duration({ description: 'TCP/TLS connect timeout [5s]' })),
    request: Type.Optional(Duration({ description: 'Per-attempt timeout, body included [30s]' })),
  }, strict)),
  retry: Type.Optional(Type.Union([Type.Literal(false), Retry])),
  circuitBreaker: Type.Optional(Type.Union([Type.Literal(false), Breaker])),
  queue: Type.Optional(Queue),
  cache: Type.Optional(Type.Object({
    ttl: Duration({ description: 'How long a 2xx GET answer is reused' }),
    maxEntries: Type.Optional(Type.Integer({ minimum: 1, description: 'Most answers kept [1000]' })),
    maxBytes: Type.Optional(Size({ description: 'Most body bytes kept [10mb]' })),
  }, strict)),
  headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Headers sent with every call' })),
  feedback: Type.Optional(Type.Object({
    defaultPause: Type.Optional(Duration({ description: 'Pause after a 429 that names no reset [1s]' })),
    maxPause: Type.Optional(Duration({ description: 'Longest pause a supplier header can impose [60s]' })),
  }, strict)),
}, strict)

export const DispatcherConfigSchema = Type.Object({
  suppliers: Type.Record(Type.String(), SupplierSchema, { description: 'Suppliers by name', minProperties: 1 }),
  queue: Type.Optional(Queue),
  store: Type.Optional(Type.Union([
    Type.Object({ type: Type.Literal('memory'), maxKeys: Type.Optional(Type.Integer({ minimum: 1 })) }, strict),
    Type.Object({
      type: Type.Literal('redis'),
      url: Type.String({ description: 'redis://host:port — shared quotas across processes' }),
      prefix: Type.Optional(Name()),
      onStoreError: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('deny')], { description: 'When Redis is unreachable: `allow` sends without a token; `deny` holds calls until Redis answers again (a call\'s `timeout` ends the wait with SLC_QUEUE_TIMEOUT) [allow]' })),
    }, strict),
  ])),
}, strict)

export type DispatcherConfig = Static<typeof DispatcherConfigSchema>
