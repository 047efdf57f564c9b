// An upstream's `circuitBreaker` block (issue 8): the core breaker (src/core/breaker/) around every
// attempt to the upstream, the same code the dispatcher's suppliers use.

import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted, Duration } from './common.js'

export const CircuitBreakerSchema = Type.Object({
  failureRatio: Type.Optional(Type.Number({
    exclusiveMinimum: 0,
    maximum: 1,
    description: 'Open when this share of the attempts in `window` failed (at least `minimumRequests` of ' +
      'them). Failures are connect failures, resets, timeouts and 5xx answers; 429 and other 4xx are not. ' +
      'The rule used when neither this nor `consecutiveFailures` is set, with 0.5.',
  })),
  consecutiveFailures: Type.Optional(Type.Integer({
    minimum: 1,
    description: 'Open after this many failed attempts in a row. With `failureRatio` too, whichever rule ' +
      'trips first opens the breaker.',
  })),
  minimumRequests: Defaulted(Type.Integer({
    minimum: 1,
    default: 20,
    description: 'Attempts `window` must hold before `failureRatio` is judged, so one early failure cannot open it.',
  })),
  window: Defaulted(Duration({ default: '10s', description: 'Rolling window `failureRatio` is measured over.' })),
  openFor: Defaulted(Duration({
    default: '30s',
    description: 'Time open: requests get 503 `SLC_CIRCUIT_OPEN` at once, with `Retry-After` = the time left, ' +
      'and no target is tried. Then the breaker is half-open.',
  })),
  halfOpenRequests: Defaulted(Type.Integer({
    minimum: 1,
    default: 3,
    description: 'Probes let through at once when half-open; all of them succeeding closes the breaker, one ' +
      'failing opens it again for `openFor`. Other requests meanwhile get `SLC_CIRCUIT_OPEN`.',
  })),
}, {
  additionalProperties: false,
  description: 'A circuit breaker for the whole upstream (all targets). Gateway refusals, client aborts and ' +
    '4xx never count. Absent: no breaker.',
})

export type CircuitBreakerConfig = Static<typeof CircuitBreakerSchema>
