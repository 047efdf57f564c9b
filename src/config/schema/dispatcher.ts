// Schema of the dispatcher's options: `createDispatcher(options)` and `suppliers.yaml` (the config
// file of `sluice dispatch`) are validated by it, take their defaults from it and get their types
// from it, so the file, the library and docs/config.md cannot drift apart. Keys with a default are
// optional to write and always present once validated (src/dispatcher/options.ts reads them so).
import { Type } from '@sinclair/typebox'
import type { SchemaOptions, TSchema } from '@sinclair/typebox'
import { Duration, Size } from './common.js'
import { TracingOptionsSchema } from './tracing.js'

const strict = { additionalProperties: false }

/** An optional key whose `default` the validator fills in. */
function Def<T extends TSchema> (schema: T) {
  return Type.Optional(schema)
}

const RateLimit = Type.Object({
  rps: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Requests per second the supplier allows' })),
  rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Requests allowed per `per` (instead of `rps`)' })),
  per: Def(Duration({ default: '1s', description: 'Window of `rate`' })),
  burst: Type.Optional(Type.Integer({ minimum: 1, description: 'Bucket size [one second of rate, at least 1]' })),
}, { ...strict, description: "The supplier's documented limit, enforced as a token bucket: give `rps`, or `rate` and `per`." })

const Retry = Type.Object({
  attempts: Def(Type.Integer({ minimum: 1, maximum: 20, default: 3, description: 'Total attempts including the first' })),
  baseDelay: Def(Duration({ default: '100ms', description: 'First backoff cap, full jitter' })),
  maxDelay: Def(Duration({ default: '5s', description: 'Longest backoff' })),
  statuses: Def(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { default: [429, 502, 503, 504], description: 'Statuses worth another attempt' })),
  budget: Def(Type.Number({ minimum: 0, maximum: 10, default: 0.2, description: 'Retries allowed as a share of requests over 10s' })),
  minRetriesPerSecond: Def(Type.Number({ minimum: 0, default: 3, description: 'Retries always allowed per second' })),
  retryNonIdempotent: Def(Type.Boolean({ default: false, description: 'Retry POST/PATCH without an Idempotency-Key' })),
}, { ...strict, description: 'Retries with backoff and a retry budget; `false` turns them off.' })

const Breaker = Type.Object({
  failureRatio: Def(Type.Number({ minimum: 0.01, maximum: 1, default: 0.5, description: 'Open at this failure share' })),
  minimumRequests: Def(Type.Integer({ minimum: 1, default: 20, description: 'Calls needed in the window before the ratio counts' })),
  window: Def(Duration({ default: '10s', description: 'Rolling window of the ratio' })),
  openFor: Def(Duration({ default: '30s', description: 'Time open before probing' })),
  consecutiveFailures: Type.Optional(Type.Integer({ minimum: 1, description: 'Also open after this many failures in a row' })),
  halfOpenRequests: Def(Type.Integer({ minimum: 1, default: 1, description: 'Probes let through when half-open' })),
}, { ...strict, description: 'A circuit breaker per supplier; `false` turns it off. Caller errors, refusals and aborts never count (docs/errors.md).' })

function Queue (defaults: boolean, options: SchemaOptions) {
  const d = <T extends TSchema>(schema: T, value: unknown) =>
    defaults ? Def({ ...schema, default: value } as T) : Type.Optional(schema)
  return Type.Object({
    maxSize: d(Type.Integer({ minimum: 1, description: 'Queued calls before SLC_QUEUE_FULL' }), 1000),
    agingAfter: d(Duration({ description: 'A call waiting longer moves up one priority level' }), '5s'),
  }, { ...strict, ...options })
}

/** RFC 9110 token: what undici accepts as a header name. */
const HEADER_NAME = "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$"
/** No CR, LF or NUL: a header value must not be able to start a header of its own. */
const HEADER_VALUE = '^[\\t\\x20-\\x7e\\x80-\\xff]*$'

export const SupplierSchema = Type.Object({
  baseUrl: Type.String({
    pattern: '^https?://',
    errorMessage: 'expected an http:// or https:// URL',
    description: 'Origin and optional base path of the supplier API',
  }),
  rateLimit: Type.Optional(RateLimit),
  maxConcurrent: Def(Type.Integer({ minimum: 1, maximum: 10000, default: 10, description: 'Calls in flight; also the connection pool size' })),
  timeouts: Def(Type.Object({
    connect: Def(Duration({ default: '5s', description: 'TCP/TLS connect timeout' })),
    request: Def(Duration({ default: '30s', description: 'Per-attempt timeout, body included; 0 for none (a half-open probe is still given up after openFor)' })),
  }, { ...strict, default: {}, description: 'Connect and per-attempt timeouts' })),
  retry: Def(Type.Union([Type.Literal(false), Retry], { default: {}, description: 'Retries with backoff; `false` for none' })),
  circuitBreaker: Def(Type.Union([Type.Literal(false), Breaker], { default: {}, description: 'Circuit breaker; `false` for none' })),
  queue: Type.Optional(Queue(false, { description: 'This supplier\'s queue; each key unset here takes the top-level `queue` value.' })),
  cache: Type.Optional(Type.Object({
    ttl: Duration({ description: 'How long a 2xx GET answer is reused' }),
    maxEntries: Def(Type.Integer({ minimum: 1, default: 1000, description: 'Most answers kept' })),
    maxBytes: Def(Size({ default: '10mb', description: 'Most body bytes kept' })),
  }, { ...strict, description: 'Reuse of 2xx GET answers; identical GETs in flight share one call.' })),
  headers: Def(Type.Record(
    Type.String({ pattern: HEADER_NAME }),
    // writeOnly: a header often carries a credential, which an error message must not repeat.
    Type.String({ pattern: HEADER_VALUE, writeOnly: true, errorMessage: 'must not contain CR, LF or NUL' }),
    { default: {}, description: 'Headers sent with every call (a request\'s own headers replace them, in any letter case); `user-agent` is `sluice/<version>` unless set here or per request' })),
  feedback: Def(Type.Object({
    defaultPause: Def(Duration({ default: '1s', description: 'Pause after a 429 that names no reset' })),
    maxPause: Def(Duration({ default: '60s', description: 'Longest pause a supplier header can impose' })),
  }, { ...strict, default: {}, description: 'How the supplier\'s own 429 and rate-limit headers pause its bucket.' })),
  maxResponseSize: Def(Size({ default: '10mb', description: 'Largest answer body read into memory, at least 1b; a larger one fails the attempt with SLC_RESPONSE_TOO_LARGE' })),
}, strict)

export const MemoryStoreSchema = Type.Object({
  type: Type.Literal('memory', { description: 'Buckets in this process: each process keeps its own count' }),
  maxKeys: Def(Type.Integer({ minimum: 1, default: 10000, description: 'Buckets kept' })),
}, strict)

export const RedisStoreSchema = Type.Object({
  type: Type.Literal('redis', { description: 'Buckets in Redis: every process sharing the URL and prefix shares the quota' }),
  url: Type.String({ minLength: 1, description: 'redis://host:port — shared quotas across processes' }),
  prefix: Type.Optional(Type.String({ minLength: 1, description: 'Key prefix' })),
  onStoreError: Def(Type.Union([Type.Literal('allow'), Type.Literal('deny')], {
    default: 'allow',
    description: 'When Redis is unreachable: `allow` sends without a token; `deny` holds calls until Redis answers again (a call\'s `timeout` ends the wait with SLC_QUEUE_TIMEOUT)',
  })),
}, strict)

export const DispatcherConfigSchema = Type.Object({
  suppliers: Type.Record(Type.String({ minLength: 1 }), SupplierSchema, { description: 'Suppliers by name.', minProperties: 1 }),
  queue: Def(Queue(true, { default: {}, description: 'Queue defaults for every supplier.' })),
  store: Def(Type.Union([MemoryStoreSchema, RedisStoreSchema], { default: { type: 'memory' }, description: 'Where rate-limit buckets live.' })),
  tracing: Type.Optional(TracingOptionsSchema),
}, {
  ...strict,
  title: 'Sluice suppliers file',
  description: 'The YAML file read by `sluice dispatch -c`, and the options of `createDispatcher` (which also takes `clock`, `random`, `transport`, `logger` and a ready `LimiterStore` as `store`).',
})

// The options as written (keys with a default may be left out), as TypeScript types rendered from
// this schema with its descriptions as TSDoc (`npm run gen`). src/config/dispatcher-types.test.ts
// checks they are the schema's Static types.
export type { DispatcherConfig, SupplierOptions, StoreOptions, MemoryStoreOptions, RedisStoreOptions } from './dispatcher-types.js'
