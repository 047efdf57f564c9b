// The OpenTelemetry pieces the gateway and the dispatcher share: a tracer whose spans go through the
// bounded SpanQueue to an OTLP/HTTP exporter, parent-based sampling, and the W3C propagator.
// Nothing here is registered globally (no global tracer provider, propagator or context manager):
// parents are passed explicitly, so two gateways in one process, or a library user's own OTel setup,
// never see each other's spans.

import type { Tracer } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions'
import type { TracingConfig } from '../../config/schema/tracing.js'
import { packageVersion } from '../../version.js'
import { SpanQueue } from './span-queue.js'
import type { DropReason } from './span-queue.js'

export interface Tracing {
  readonly tracer: Tracer
  readonly propagator: W3CTraceContextPropagator
  /** Sends the spans still queued, then closes the exporter. */
  shutdown (): Promise<void>
}

export interface TracingOptions {
  onDrop: (count: number, reason: DropReason) => void
  /** Queue bounds (tests make them small). */
  maxQueue?: number
  delayMs?: number
}

export function createTracing (config: TracingConfig, options: TracingOptions): Tracing {
  const exporter = new OTLPTraceExporter({
    url: config.endpoint,
    headers: { ...config.headers },
    // Retries (the exporter's own, for refused connections and 429/502/503/504) stop within this.
    timeoutMillis: 10_000,
  })
  const { onDrop, maxQueue, delayMs } = options
  const queue = new SpanQueue(exporter, { onDrop, maxQueue, delayMs })
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: packageVersion(),
    }),
    // A sampled parent is kept, an unsampled one is not; new traces are kept at sampleRatio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [queue],
  })
  return {
    tracer: provider.getTracer('sluice', packageVersion()),
    propagator: new W3CTraceContextPropagator(),
    shutdown: () => provider.shutdown(),
  }
}
