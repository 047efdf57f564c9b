// Inbound rate limits (src/gateway/stages/rate-limits.ts): the `rateLimiting` section (store and
// headers), the `plans` section (tiers a consumer's plan names) and a route's `rateLimits` list.

import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted, Duration, Name } from './common.js'

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
  per: Duration({ description: 'The window the `requests` are counted over.' }),
  burst: Type.Optional(Type.Integer({
    minimum: 1,
    description: 'Most requests admitted at once (the bucket size); default `requests`, so a full window may ' +
      'arrive at once.',
  })),
}

export const RateLimitSchema = Type.Object({
  name: Type.Optional(limitFields.name),
  requests: Type.Optional(limitFields.requests),
  per: Type.Optional(limitFields.per),
  burst: limitFields.burst,
  key: Defaulted(Type.Union([KeyPart, Type.Array(KeyPart, { minItems: 1 })], {
    default: 'ip',
    errorMessage: 'expected ip, consumer, route, header:NAME, query:NAME or claim:PATH, or a list of them',
    description: 'What the limit counts by: `ip` (the client address through `server.trustedProxies`), ' +
      '`consumer` (its id; the client address when anonymous), `route` (every client of the route together), ' +
      '`header:NAME`, `query:NAME` or `claim:PATH` (a dotted path into the consumer\'s claims), or a list of ' +
      'them for one counter per combination. A part the request lacks counts by the client address instead.',
  })),
  algorithm: Defaulted(Type.Union([Type.Literal('gcra')], {
    default: 'gcra',
    description: '`gcra`: a token bucket refilled at `requests` per `per`, holding `burst`.',
  })),
  mode: Defaulted(Type.Union([Type.Literal('reject')], {
    default: 'reject',
    description: '`reject`: a request over the limit gets 429 `SLC_RATE_LIMITED` with `Retry-After`.',
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
}, { additionalProperties: false })

export const PlansSchema = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), Type.Array(PlanLimitSchema, { minItems: 1 }), {
  additionalProperties: false,
  description: 'Rate-limit tiers by plan name: a consumer\'s plan (from authentication) picks its limits ' +
    'wherever a route lists `{ plan: true }`. Plan counters are the consumer\'s, shared by every route.',
})

export const RateLimitingSchema = Type.Object({
  store: Defaulted(Type.Object({
    type: Defaulted(Type.Union([Type.Literal('memory')], {
      default: 'memory',
      description: '`memory`: counters in this process.',
    })),
    maxKeys: Defaulted(Type.Integer({
      minimum: 1,
      default: 100_000,
      description: 'Most counters the memory store holds; beyond it the least recently used go (a flood of ' +
        'distinct keys cannot grow memory past it).',
    })),
  }, { additionalProperties: false, default: {}, description: 'Where counters live.' })),
  headers: Defaulted(Type.Union([
    Type.Literal('ietf'), Type.Literal('legacy'), Type.Literal('both'), Type.Literal('none'),
  ], {
    default: 'both',
    description: 'Headers on every response of a limited route: `ietf` (`RateLimit`, `RateLimit-Policy`, ' +
      'draft-ietf-httpapi-ratelimit-headers-11), `legacy` (`X-RateLimit-Limit`, `-Remaining`, `-Reset`), ' +
      '`both` or `none`. They describe the limit closest to running out.',
  })),
  defaultPlan: Type.Optional(Type.String({
    description: 'The plan of consumers without one, and of anonymous requests, where a route lists `{ plan: true }`.',
  })),
}, { additionalProperties: false, default: {}, description: 'Settings shared by every route\'s `rateLimits`.' })

export type RateLimitConfig = Static<typeof RateLimitSchema>
export type PlanLimitConfig = Static<typeof PlanLimitSchema>
export type RateLimitingConfig = Static<typeof RateLimitingSchema>
export type PlansConfig = Static<typeof PlansSchema>
