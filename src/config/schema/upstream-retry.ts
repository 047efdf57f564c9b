// The per-upstream `retry` block (issue 8). Absent, it is one retry, at once, when a connection could
// not be made: that sent nothing, so it is safe for every method, and the next target owes nothing to
// the one that refused (nginx's proxy_next_upstream does the same).
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted, Duration, Size } from './common.js'

/** Failures a retry may follow; the numbers are upstream response statuses. */
export const RETRY_ON = ['connect-failure', 'reset', 'timeout', 502, 503, 504] as const
export type RetryOn = typeof RETRY_ON[number]

export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as const

const METHOD_TOKEN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"

export const RetrySchema = Type.Object({
  attempts: Defaulted(Type.Integer({
    minimum: 1,
    maximum: 10,
    default: 2,
    description: 'Tries in total, the first included; `1` turns retries off.',
  })),
  on: Defaulted(Type.Array(Type.Union(RETRY_ON.map((r) => Type.Literal(r))), {
    minItems: 1,
    uniqueItems: true,
    default: [...RETRY_ON],
    description: 'Failures worth another try: `connect-failure` (no connection was made: nothing was sent, so ' +
      'every method is retried), `reset` (the connection broke before the response head), `timeout` (no ' +
      'head within `perTryTimeout`), and the response statuses `502`, `503`, `504`.',
  })),
  backoff: Defaulted(Type.Object({
    base: Defaulted(Duration({ default: '25ms', description: 'Upper bound of the first retry\'s delay.' })),
    max: Defaulted(Duration({ default: '1s', description: 'Upper bound of any delay; a `Retry-After` is honoured up to 4 × this.' })),
  }, {
    additionalProperties: false,
    default: {},
    description: 'Exponential backoff with full jitter: retry n waits a uniform random time below min(max, base × 2^(n-1)).',
  })),
  perTryTimeout: Type.Optional(Duration({
    description: 'Response timeout of each try (request sent → response head) [`timeouts.response`]. A client ' +
      'may wait `attempts` × this, plus the backoffs.',
  })),
  budget: Defaulted(Type.Object({
    ratio: Defaulted(Type.Number({
      minimum: 0,
      maximum: 10,
      default: 0.2,
      description: 'Retries allowed as a share of the requests to this upstream over the last 10 s.',
    })),
    minPerSecond: Defaulted(Type.Number({
      minimum: 0,
      default: 5,
      description: 'Retries always allowed per second, so a quiet upstream can still retry.',
    })),
  }, {
    additionalProperties: false,
    default: {},
    description: 'Caps retries across the whole upstream (all routes and clients), so a dead upstream gets ' +
      'at most `1 + ratio` times its load instead of `attempts` times.',
  })),
  methods: Defaulted(Type.Array(Type.String({ pattern: METHOD_TOKEN, errorMessage: 'expected an HTTP method like GET' }), {
    uniqueItems: true,
    default: [...IDEMPOTENT_METHODS],
    description: 'Methods retried after the request may have reached the target (reset, timeout, status). ' +
      'Others are retried then only with an `Idempotency-Key` header; every method is retried on `connect-failure`.',
  })),
  bufferBody: Defaulted(Size({
    default: '64kb',
    description: 'Request bodies with a `Content-Length` up to this are read in full before the first try, so a ' +
      'retry can send them again. Larger or chunked bodies stream through unbuffered and are not retried once ' +
      'sent (counted in `sluice_upstream_retries_abandoned_total`, reason `body`). `0` never buffers.',
  })),
}, {
  additionalProperties: false,
  default: { on: ['connect-failure'], backoff: { base: '0ms', max: '0ms' } },
  description: 'Retries of failed tries, on another target when there is one. Absent: one retry on `connect-failure` ' +
    'only, at once (no backoff, as nothing was sent).',
})

export type RetryConfig = Static<typeof RetrySchema>
