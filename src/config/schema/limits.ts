// An upstream's `limits` block (issue 8): how many requests may be in flight to it at once, fixed
// (`maxRequests`) and/or adaptive (src/core/adaptive-limit.ts).

import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'

export const AdaptiveLimitSchema = Type.Object({
  min: Type.Integer({ minimum: 1, description: 'The limit never goes below this.' }),
  max: Type.Integer({ minimum: 1, description: 'The limit never goes above this (nor above `maxRequests`).' }),
}, {
  additionalProperties: false,
  description: 'A gradient concurrency limit inside [min, max]: it grows while the upstream\'s latency stays ' +
    'near its measured minimum and shrinks when latency rises or failures appear. Requests over the current ' +
    'limit get 503 `SLC_UPSTREAM_SATURATED`. See docs/resilience.md.',
})

export const LimitsSchema = Type.Object({
  maxRequests: Type.Optional(Type.Integer({
    minimum: 1,
    description: 'Requests in flight to this upstream, all targets together (from dispatch until the response ' +
      'ends). Beyond it requests get 503 `SLC_UPSTREAM_SATURATED` with `Retry-After: 1` at once, without a queue.',
  })),
  adaptive: Type.Optional(AdaptiveLimitSchema),
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Concurrency limits of the upstream, per gateway process. Absent: no limit.',
})

export type LimitsConfig = Static<typeof LimitsSchema>
export type AdaptiveLimitConfig = Static<typeof AdaptiveLimitSchema>
