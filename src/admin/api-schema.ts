// The admin API's answers as JSON Schema (TypeBox), the source of the OpenAPI document's
// components. Objects stay open (additional properties allowed) where other parts add fields as
// they land: a target's breaker or ejection state, a status's extra facts.

import { Type } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'

const open = { additionalProperties: true }
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable SLC_* code (docs/errors.md).' }),
    message: Type.String(),
    requestId: Type.String(),
  }, open),
}, { additionalProperties: false })

export const ReloadEntry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  result: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  configHash: Type.Optional(Type.String()),
  issues: Type.Optional(Type.Array(Type.String(), { description: '`file:line:col path: message`, one per problem.' })),
}, { additionalProperties: false })

const processFields = {
  pid: Type.Integer(),
  uptimeSeconds: Type.Number(),
  serving: Type.Boolean({ description: 'Listening and not draining.' }),
  configHash: Type.String({ description: 'Hash of the config in service.' }),
  loadedAt: Type.String({ format: 'date-time', description: 'When the config in service went live.' }),
  lastReload: Nullable(ReloadEntry),
  reloads: Type.Array(ReloadEntry, { description: 'The last reload attempts, newest first (10 at most).' }),
}

export const ProcessStatus = Type.Object(processFields, open)

export const Status = Type.Object({
  version: Type.String(),
  mode: Type.Union([Type.Literal('single'), Type.Literal('cluster')]),
  workers: Type.Integer({ minimum: 1 }),
  configFile: Type.String(),
  ...processFields,
  workerStates: Type.Optional(Type.Array(ProcessStatus, { description: 'Cluster mode: each live worker.' })),
}, open)

export const Routes = Type.Object({
  routes: Type.Array(Type.Object({
    name: Type.String(),
    priority: Type.Integer(),
    match: Type.Object({}, { ...open, description: 'As in the config (`routes[].match`).' }),
    upstream: Type.String(),
    stages: Type.Array(Type.String(), { description: 'Stage names, in the order a request runs them.' }),
    stripPrefix: Type.Optional(Type.String()),
    rewrite: Type.Optional(Type.Object({ pattern: Type.String(), replacement: Type.String() })),
    preserveHost: Type.Boolean(),
    maxBodySize: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
  }, open), { description: 'In match order: priority, then specificity, then file order.' }),
}, { additionalProperties: false })

export const Target = Type.Object({
  url: Type.String(),
  weight: Type.Integer(),
  inFlight: Type.Integer({ minimum: 0, description: 'Attempts in progress (summed over workers in cluster mode).' }),
  health: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy'), Type.Literal('ejected')], {
    description: "The balancer's view: only healthy targets are picked.",
  }),
  lastAttempt: Type.Optional(Type.Object({
    code: Type.Integer({ description: 'Status of the last attempt; 0 when no response came.' }),
    noResponseInRow: Type.Integer({ description: 'Attempts in a row that got no response.' }),
  })),
  activeCheck: Type.Optional(Type.Union([Type.Literal('passing'), Type.Literal('failing')], {
    description: 'With healthCheck.active: the probe\'s verdict.',
  })),
  passiveFailures: Type.Optional(Type.Integer({ description: 'With healthCheck.passive: real failures in a row.' })),
}, open)

export const Upstreams = Type.Object({
  upstreams: Type.Array(Type.Object({
    name: Type.String(),
    balancer: Type.String(),
    inFlight: Type.Integer({ minimum: 0, description: 'Attempts in flight over all targets (summed over workers in cluster mode).' }),
    breaker: Type.Optional(Type.Union([Type.Literal('closed'), Type.Literal('half-open'), Type.Literal('open')], {
      description: 'With circuitBreaker: its state (in cluster mode the most open of the workers\' breakers).',
    })),
    limit: Type.Optional(Type.Number({ description: 'With limits: the concurrency limit now (summed over workers).' })),
    saturation: Type.Optional(Type.Number({ description: 'With limits: inFlight / limit.' })),
    targets: Type.Array(Target),
  }, open)),
}, { additionalProperties: false })

export const Config = Type.Object({
  configFile: Type.String(),
  configHash: Type.String(),
  config: Type.Object({}, { ...open, description: 'The effective config (defaults filled in), secrets replaced by "[redacted]".' }),
}, { additionalProperties: false })

const Seconds = Nullable(Type.Number({ description: 'Seconds; null when the window saw no request.' }))

export const Stats = Type.Object({
  windowSeconds: Type.Number(),
  routes: Type.Array(Type.Object({
    route: Type.String(),
    requests: Type.Integer({ description: 'Answered since start.' }),
    rps: Type.Number({ description: 'Requests per second over the window.' }),
    errorRate: Nullable(Type.Number({ description: 'Share of 5xx answers in the window.' })),
    p50: Seconds,
    p99: Seconds,
  }, { additionalProperties: false })),
}, { additionalProperties: false })

export const Validation = Type.Object({
  ok: Type.Boolean(),
  issues: Type.Optional(Type.Array(Type.String(), { description: 'When not ok: `posted.yaml:line:col path: message`.' })),
  warnings: Type.Optional(Type.Array(Type.String())),
}, { additionalProperties: false })

export const Reload = Type.Object({ result: Type.Literal('success') }, { additionalProperties: false })
export const Health = Type.Object({ status: Type.String() }, { additionalProperties: false })
