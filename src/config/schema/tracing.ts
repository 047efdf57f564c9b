// OpenTelemetry tracing (docs/tracing.md). Shared by the gateway config, createDispatcher's options
// and the suppliers file of `sluice dispatch`. Absent: off, and no OpenTelemetry code is loaded.
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted } from './common.js'

export const TracingSchema = Type.Object({
  endpoint: Defaulted(Type.String({
    default: 'http://127.0.0.1:4318/v1/traces',
    pattern: '^https?://',
    errorMessage: 'expected an http(s) URL such as http://127.0.0.1:4318/v1/traces',
    description: 'OTLP/HTTP traces endpoint (the full URL, `/v1/traces` included). Spans are sent as OTLP JSON.',
  })),
  serviceName: Defaulted(Type.String({ default: 'sluice', minLength: 1, description: 'The `service.name` resource attribute of every span.' })),
  sampleRatio: Defaulted(Type.Number({
    default: 0.1,
    minimum: 0,
    maximum: 1,
    description: 'Share of new traces recorded (0…1). Parent-based: a request whose `traceparent` says sampled is recorded, one that says not sampled is not, whatever the ratio.',
  })),
  headers: Defaulted(Type.Record(Type.String(), Type.String(), {
    default: {},
    writeOnly: true,
    description: 'Extra HTTP headers on every export request (for example an API key of the tracing backend); never logged.',
  })),
}, { additionalProperties: false, description: 'OpenTelemetry tracing: a server span per request, a client span per upstream attempt, exported over OTLP/HTTP in batches. Off when absent.' })

export type TracingConfig = Static<typeof TracingSchema>
