// Inbound rate limits (src/gateway/stages/rate-limits.ts): the `rateLimiting` section (store and
// headers), the `plans` section (tiers a consumer's plan names) and a route's `rateLimits` list.

import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { DURATION_PATTERN, Defaulted, Duration, Name } from './common.js'

const KEY_PART = '^(ip|consumer|route|header:[!#$%&\'*+.^_`|~0-9A-Za-z-]+|query:[^&=#\\s]+|claim:[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*)$'

const KeyPart = Type.String({
  pattern: KEY_PART,
  errorMessage: 'expected ip, consumer, route, header:NAME, query:NAME or claim:PATH',
})

const limitFields = {
  name: Name({
    description: 'Names the limit in the RateLimit headers, the metrics and (with its numbers) its counters.',
  }),
  requests: Type.Integer({ minimum: 1, description: 'Requests allowed per `per`.' }),
  per: Type.Union([
    Type.String({ pattern: DURATION_PATTERN }),
    Type.String({ pattern: '^\\d+mo$' }),
    Type.Integer({ minimum: 1 }),
  ], {
    title: 'Period',
    errorMessage: 'expected a duration like 1s, 1m, 1h, 1d, or months like 1mo',
    description: 'The window the `requests` are counted over: a duration, or (with `quota: true`) calendar months ' +
      'such as `1mo`.',
  }),
  burst: Type.Optional(Type.Integer({
    minimum: 1,
    description: '`gcra` only: most requests admitted at once (the bucket size); default `requests`, so a full ' +
      'window may arrive at once.',
  })),
  algorithm: Type.Optional(Type.Union([
    Type.Literal('gcra'), Type.Literal('sliding-window'), Type.Literal('fixed-window'),
  ], {
    description: '`gcra` (the default): a token bucket refilled at `requests` per `per`, holding `burst`. ' +
      '`fixed-window`: a counter per window, windows cut at multiples of `per` since the Unix epoch (UTC); up to ' +
      '2 × `requests` may pass around a boundary. `sliding-window`: the weighted two-window counter (the previous ' +
      'window\'s count weighted by how much of it the sliding window still covers, plus the current one); no ' +
      'boundary burst. A quota is a `fixed-window`.',
  })),
  quota: Type.Optional(Type.Boolean({
    description: 'A quota: windows follow the UTC calendar (`per: 1d` resets at 00:00 UTC, `1mo` on the 1st, ' +
      '`per` must divide a day or be months dividing a year), counted as a fixed window; a refusal is ' +
      '429 `SLC_QUOTA_EXCEEDED` with `Retry-After` until the reset.',
  })),
  mode: Defaulted(Type.Union([Type.Literal('reject'), Type.Literal('delay')], {
    default: 'reject',
    description: '`reject`: a request over the limit gets 429 `SLC_RATE_LIMITED` with `Retry-After`. `delay`: it ' +
      'waits for its slot when that is at most `maxDelay` away, then passes; further away, 429.',
  })),
  maxDelay: Type.Optional(Duration({
    description: 'With `mode: delay` (required there): the longest a request waits for its slot.',
  })),
}

export const RateLimitSchema = Type.Object({
  name: Type.Optional(limitFields.name),
  requests: Type.Optional(limitFields.requests),
  per: Type.Optional(limitFields.per),
  burst: limitFields.burst,
  algorithm: limitFields.algorithm,
  quota: limitFields.quota,
  mode: limitFields.mode,
  maxDelay: limitFields.maxDelay,
  key: Defaulted(Type.Union([KeyPart, Type.Array(KeyPart, { minItems: 1 })], {
    default: 'ip',
    errorMessage: 'expected ip, consumer, route, header:NAME, query:NAME or claim:PATH, or a list of them',
    description: 'What the limit counts by: `ip` (the client address through `server.trustedProxies`), ' +
      '`consumer` (its id; the client address when anonymous), `route` (every client of the route together), ' +
      '`header:NAME`, `query:NAME` or `claim:PATH` (a dotted path into the consumer\'s claims), or a list of ' +
      'them for one counter per combination. A part the request lacks counts by the client address instead.',
  })),
  plan: Type.Optional(Type.Literal(true, {
    description: 'Alone in its entry: the consumer\'s plan limits (`plans`), `rateLimiting.defaultPlan` when it ' +
      'has none.',
  })),
}, {
  additionalProperties: false,
  description: 'One limit (`name`, `requests`, `per`), or `{ plan: true }` for the consumer\'s plan limits.',
})

export const RateLimitsStageSchema = Type.Array(RateLimitSchema, {
  minItems: 1,
  description: 'Inbound rate limits (the `rateLimits` stage): a request passes only if every limit passes, and ' +
    'a refused request is charged to none of them. Counters belong to the route (one route\'s `per-ip` never ' +
    'shares a counter with another\'s).',
})

export const PlanLimitSchema = Type.Object({
  name: limitFields.name,
  requests: limitFields.requests,
  per: limitFields.per,
  burst: limitFields.burst,
  algorithm: limitFields.algorithm,
  quota: limitFields.quota,
  mode: limitFields.mode,
  maxDelay: limitFields.maxDelay,
}, { additionalProperties: false })

export const PlansSchema = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), Type.Array(PlanLimitSchema, { minItems: 1 }), {
  additionalProperties: false,
  description: 'Rate-limit tiers by plan name: a consumer\'s plan (from authentication) picks its limits ' +
    'wherever a route lists `{ plan: true }`. Plan counters are the consumer\'s, shared by every route.',
})

const MemoryStoreSchema = Type.Object({
  type: Defaulted(Type.Literal('memory', { default: 'memory', description: '`memory`: counters in this instance.' })),
  maxKeys: Defaulted(Type.Integer({
    minimum: 1,
    default: 100_000,
    description: 'Most counters the memory store holds; beyond it the least recently used go (a flood of ' +
      'distinct keys cannot grow memory past it).',
  })),
}, { additionalProperties: false })

const RedisStoreSchema = Type.Object({
  type: Type.Literal('redis', { description: '`redis`: counters shared by every instance on this Redis.' }),
  url: Type.String({ pattern: '^rediss?://', description: 'Redis URL (`redis://host:port`, `rediss://` for TLS).' }),
  prefix: Defaulted(Type.String({
    minLength: 1,
    default: 'sluice',
    description: 'Key namespace: counters are `<prefix>:rl:{gateway}:…`, all under one Cluster hash tag.',
  })),
  onStoreError: Defaulted(Type.Union([Type.Literal('allow'), Type.Literal('deny')], {
    default: 'allow',
    description: 'When Redis does not answer: `allow` passes requests unlimited, `deny` answers 503 ' +
      '`SLC_STORE_UNAVAILABLE`. Either way a warning is logged and `sluice_store_errors_total` counts it; ' +
      'limits apply again as soon as Redis answers.',
  })),
}, { additionalProperties: false })

export const RateLimitingSchema = Type.Object({
  store: Defaulted(Type.Union([MemoryStoreSchema, RedisStoreSchema], {
    default: {},
    errorMessage: 'expected { type: memory, maxKeys } or { type: redis, url, onStoreError }',
    description: 'Where counters live: this process (`memory`; with `server.workers` > 1 the primary holds them ' +
      'for every worker) or Redis, shared by every instance.',
  })),
  headers: Defaulted(Type.Union([
    Type.Literal('ietf'), Type.Literal('legacy'), Type.Literal('both'), Type.Literal('none'),
  ], {
    default: 'both',
    description: 'Headers on every response of a limited route: `ietf` (`RateLimit`, `RateLimit-Policy`, ' +
      'draft-ietf-httpapi-ratelimit-headers-11), `legacy` (`X-RateLimit-Limit`, `-Remaining`, `-Reset`), ' +
      '`both` or `none`. They describe the limit closest to running out.',
  })),
  maxDelayed: Defaulted(Type.Integer({
    minimum: 0,
    default: 1000,
    description: 'Most requests of this process waiting for a `mode: delay` slot at once; beyond it, delay-mode ' +
      'limits refuse as in `reject` mode (a flood cannot hold unbounded sockets and timers).',
  })),
  defaultPlan: Type.Optional(Type.String({
    description: 'The plan of consumers without one, and of anonymous requests, where a route lists `{ plan: true }`.',
  })),
}, { additionalProperties: false, default: {}, description: 'Settings shared by every route\'s `rateLimits`.' })

export type RateLimitConfig = Static<typeof RateLimitSchema>
export type PlanLimitConfig = Static<typeof PlanLimitSchema>
export type RateLimitingConfig = Static<typeof RateLimitingSchema>
export type PlansConfig = Static<typeof PlansSchema>
