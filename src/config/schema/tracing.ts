// OpenTelemetry tracing (docs/tracing.md): the gateway's `tracing` key, and the same options for
// createDispatcher and the suppliers file of `sluice dispatch`. Absent: off, and no OpenTelemetry
// code is loaded.
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted } from './common.js'

const endpoint = Type.String({
  default: 'http://127.0.0.1:4318/v1/traces',
  pattern: '^https?://',
  errorMessage: 'expected an http(s) URL such as http://127.0.0.1:4318/v1/traces',
  description: 'OTLP/HTTP traces endpoint (the full URL, `/v1/traces` included). Spans are sent as OTLP JSON.',
})
const serviceName = Type.String({ default: 'sluice', minLength: 1, description: 'The `service.name` resource attribute of every span.' })
const sampleRatio = Type.Number({
  default: 0.1,
  minimum: 0,
  maximum: 1,
  description: 'Share of new traces recorded (0…1). Parent-based: a request whose `traceparent` says sampled is recorded, one that says not sampled is not, whatever the ratio.',
})
const headers = Type.Record(Type.String(), Type.String(), {
  default: {},
  writeOnly: true,
  description: 'Extra HTTP headers on every export request (for example an API key of the tracing backend); never logged.',
})
const about = {
  additionalProperties: false,
  description: 'OpenTelemetry tracing, exported over OTLP/HTTP in batches (docs/tracing.md). Off when absent.',
} as const

/** The gateway's `tracing` key: every default filled in by the loader. */
export const TracingSchema = Type.Object({
  endpoint: Defaulted(endpoint),
  serviceName: Defaulted(serviceName),
  sampleRatio: Defaulted(sampleRatio),
  headers: Defaulted(headers),
}, about)

/** The same options as createDispatcher and the suppliers file take them (keys with a default optional). */
export const TracingOptionsSchema = Type.Object({
  endpoint: Type.Optional(endpoint),
  serviceName: Type.Optional(serviceName),
  sampleRatio: Type.Optional(sampleRatio),
  headers: Type.Optional(headers),
}, about)

export type TracingConfig = Static<typeof TracingSchema>
