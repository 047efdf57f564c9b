import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { CircuitBreakerSchema } from './circuit-breaker.js'
import { Defaulted, Duration, Name, NAME_PATTERN } from './common.js'
import { HealthCheckSchema, SlowStartSchema } from './health.js'
import { LimitsSchema } from './limits.js'
import { RetrySchema } from './upstream-retry.js'

export const BALANCERS = ['round-robin', 'weighted', 'least-request', 'random', 'consistent-hash'] as const

export const TargetSchema = Type.Object({
  url: Type.String({
    pattern: '^https?://[^/?#\\s]+$',
    errorMessage: 'expected an http:// or https:// origin like http://127.0.0.1:9001 (no path)',
    description: 'Origin of the target: `http://` or `https://`, host and optional port, no path.',
  }),
  weight: Defaulted(Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 1,
    description: 'Relative share of traffic for the `weighted` balancer.',
  })),
}, { additionalProperties: false, description: 'One server of the upstream.' })

export const TimeoutsSchema = Type.Object({
  connect: Defaulted(Duration({ default: '5s', description: 'Budget for opening a connection to a target.' })),
  response: Defaulted(Duration({
    default: '30s',
    description: 'From the request (body included) fully sent to the response head received; past it the ' +
      'client gets 504. Waiting for a pool connection is bounded by the same budget, counted from dispatch.',
  })),
  idle: Defaulted(Duration({
    default: '60s',
    description: 'No body bytes in either direction for this long cuts the exchange: the upload (the ' +
      'upstream stopped taking the request body; 504 if no response has started) or the response body.',
  })),
}, { additionalProperties: false, default: {}, description: 'Upstream timeouts.' })

export const PoolSchema = Type.Object({
  connections: Defaulted(Type.Integer({ minimum: 1, default: 128, description: 'Maximum sockets per target.' })),
  keepAliveTimeout: Defaulted(Duration({ default: '4s', description: 'Idle upstream sockets are closed after this.' })),
}, { additionalProperties: false, default: {}, description: 'Connection pool per target.' })

export const AffinitySchema = Type.Object({
  cookie: Type.String({ minLength: 1, description: 'Name of the cookie that pins a client to a target.' }),
  ttl: Defaulted(Duration({ default: '1h', description: 'Lifetime of the affinity cookie.' })),
  secret: Type.Optional(Type.String({
    minLength: 16,
    writeOnly: true,
    description: 'Key of the HMAC that makes the cookie values, so clients cannot forge one (usually ' +
      // eslint-disable-next-line no-template-curly-in-string -- documents the env interpolation syntax
      '`${AFFINITY_SECRET}`). Set it so that pins survive restarts and hold across gateway instances; ' +
      'without it each gateway (all workers of one cluster together) makes a random key at start.',
  })),
}, { additionalProperties: false, description: 'Cookie affinity; works with any balancer.' })

export const UpstreamSchema = Type.Object({
  balancer: Defaulted(Type.Union(BALANCERS.map((b) => Type.Literal(b)), {
    default: 'round-robin',
    description: 'How a target is picked for each request.',
  })),
  hashOn: Type.Optional(Type.String({
    pattern: '^(header:[!#$%&\'*+.^_`|~0-9A-Za-z-]+|cookie:[^\\s;=,]+|ip)$',
    errorMessage: 'expected header:NAME, cookie:NAME or ip',
    description: 'Hash key of the `consistent-hash` balancer (required there, refused elsewhere): ' +
      '`header:NAME`, `cookie:NAME` or `ip` (the client address: the peer, or behind `server.trustedProxies` ' +
      'the rightmost untrusted X-Forwarded-For entry).',
  })),
  affinity: Type.Optional(AffinitySchema),
  targets: Type.Array(TargetSchema, { minItems: 1, description: 'Servers behind this upstream.' }),
  timeouts: Defaulted(TimeoutsSchema),
  pool: Defaulted(PoolSchema),
  healthCheck: Type.Optional(HealthCheckSchema),
  slowStart: Type.Optional(SlowStartSchema),
  circuitBreaker: Type.Optional(CircuitBreakerSchema),
  limits: Type.Optional(LimitsSchema),
  retry: Defaulted(RetrySchema),
}, { additionalProperties: false, description: 'A named group of targets.' })

export const UpstreamsSchema = Type.Record(Name(), UpstreamSchema, {
  additionalProperties: false,
  description: `Upstreams by name (names match \`${NAME_PATTERN}\`).`,
})

export type Balancer = typeof BALANCERS[number]
export type TargetConfig = Static<typeof TargetSchema>
export type UpstreamConfig = Static<typeof UpstreamSchema>
