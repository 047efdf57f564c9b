// Every Prometheus metric Sluice exports, declared once. docs/metrics.md is checked against this
// list by a test. Labels stay bounded: route, upstream and supplier names come from the config,
// targets from the config's URLs, codes are HTTP statuses — never raw paths or client values.

import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { packageVersion } from '../version.js'
import { Recorder } from './recorder.js'

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Every Prometheus metric Sluice exports: name, type, help and labels (docs/metrics.md lists them). */
export const METRIC_DEFS = {
  httpRequests: { type: 'counter', name: 'sluice_http_requests_total', help: 'Requests answered by the gateway', labels: ['route', 'method', 'code'] },
  httpDuration: { type: 'histogram', name: 'sluice_http_request_duration_seconds', help: 'Time from request start to the end of the response, by route', labels: ['route'] },
  httpInFlight: { type: 'gauge', name: 'sluice_http_requests_in_flight', help: 'Requests being handled now', labels: [] },
  upstreamRequests: { type: 'counter', name: 'sluice_upstream_requests_total', help: 'Attempts sent to upstream targets; code is the status, or 0 when no response came', labels: ['upstream', 'target', 'code'] },
  upstreamTargetHealthy: { type: 'gauge', name: 'sluice_upstream_target_healthy', help: 'Whether a target takes traffic: 1, or 0 while active health checks hold it down or passive health has ejected it', labels: ['upstream', 'target'] },
  upstreamEjections: { type: 'counter', name: 'sluice_upstream_ejections_total', help: 'Targets ejected by passive health (outlier ejection)', labels: ['upstream', 'target'] },
  breakerState: { type: 'gauge', name: 'sluice_circuit_breaker_state', help: 'Circuit breaker state of an upstream: 0 closed, 1 half-open, 2 open', labels: ['upstream'] },
  upstreamInFlight: { type: 'gauge', name: 'sluice_upstream_requests_in_flight', help: 'Requests in flight to an upstream (all targets), from dispatch until the response ends', labels: ['upstream'] },
  upstreamSaturation: { type: 'gauge', name: 'sluice_upstream_saturation_ratio', help: 'Requests in flight to an upstream divided by its current concurrency limit', labels: ['upstream'] },
  upstreamConcurrencyLimit: { type: 'gauge', name: 'sluice_upstream_concurrency_limit', help: 'Current concurrency limit of an upstream: the adaptive limit (capped by maxRequests), or maxRequests', labels: ['upstream'] },
  upstreamRetries: { type: 'counter', name: 'sluice_upstream_retries_total', help: 'Retries sent to an upstream, by what failed (connect-failure, reset, timeout, 502, 503, 504)', labels: ['upstream', 'reason'] },
  upstreamRetriesAbandoned: { type: 'counter', name: 'sluice_upstream_retries_abandoned_total', help: 'Retryable failures not retried, by what stopped the retry (body, method, budget)', labels: ['upstream', 'reason'] },
  transformSkipped: { type: 'counter', name: 'sluice_transform_skipped_total', help: 'Bodies a JSON transform passed through untouched, by route and reason (not_json, invalid_json, too_large, encoding)', labels: ['route', 'reason'] },
  configReloads: { type: 'counter', name: 'sluice_config_reloads_total', help: 'Config reloads by result (success or failure)', labels: ['result'] },
  // Info gauges are 1 per process; a cluster scrape takes the max, not the sum, over workers.
  buildInfo: { type: 'gauge', name: 'sluice_build_info', help: 'Always 1; the running version in the label', labels: ['version'], aggregator: 'max' },
  configInfo: { type: 'gauge', name: 'sluice_config_info', help: 'Always 1; the hash of the config in service in the label (changes on reload)', labels: ['hash'], aggregator: 'max' },
  authJwksFetches: { type: 'counter', name: 'sluice_auth_jwks_fetches_total', help: 'JWKS fetches by provider and result (success, error); on error the last good keys stay in use', labels: ['provider', 'result'] },
  rateLimitDecisions: { type: 'counter', name: 'sluice_rate_limit_decisions_total', help: 'Rate-limit decisions per limit: allowed (every limit of the request passed), delayed (passed after waiting for a slot this limit reserved) or rejected (this limit refused it)', labels: ['route', 'limit', 'result'] },
  tracingSpansDropped: { type: 'counter', name: 'sluice_tracing_spans_dropped_total', help: 'Finished spans never delivered to the OTLP endpoint, by reason (queue_full, export_failed)', labels: ['reason'] },
  storeErrors: { type: 'counter', name: 'sluice_store_errors_total', help: 'State store operations that failed and fell back to onStoreError', labels: ['store'] },
  dispatcherRequests: { type: 'counter', name: 'sluice_dispatcher_requests_total', help: 'Dispatcher requests finished, by supplier and outcome (success, failure, rejected)', labels: ['supplier', 'outcome'] },
  dispatcherRetries: { type: 'counter', name: 'sluice_dispatcher_retries_total', help: 'Retry attempts made by the dispatcher', labels: ['supplier'] },
  dispatcherRateLimited: { type: 'counter', name: 'sluice_dispatcher_rate_limited_total', help: '429 answers received from suppliers', labels: ['supplier'] },
  dispatcherQueued: { type: 'gauge', name: 'sluice_dispatcher_queued', help: 'Requests waiting in the supplier queue', labels: ['supplier'] },
  dispatcherInFlight: { type: 'gauge', name: 'sluice_dispatcher_in_flight', help: 'Requests sent to the supplier and not yet answered', labels: ['supplier'] },
  dispatcherBreakerState: { type: 'gauge', name: 'sluice_dispatcher_breaker_state', help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open', labels: ['supplier'] },
  dispatcherDuration: { type: 'histogram', name: 'sluice_dispatcher_request_duration_seconds', help: 'Time from request() to its answer, retries included', labels: ['supplier'] },
  dispatcherQueueWait: { type: 'histogram', name: 'sluice_dispatcher_queue_wait_seconds', help: 'Time requests waited in the queue before their first attempt', labels: ['supplier'] },
} as const

type Defs = typeof METRIC_DEFS
type Handle<D> = D extends { type: 'counter' } ? Counter<string>
  : D extends { type: 'gauge' } ? Gauge<string>
    : Histogram<string>
/** The metric handles on one prom-client registry, by the keys of `METRIC_DEFS`. */
export type Metrics = { [K in keyof Defs]: Handle<Defs[K]> } & {
  registry: Registry
  /** Where the gateway's per-request amounts wait until a read of the metrics flushes them. */
  recorder: Recorder
}

/** The gateway's per-request metrics: recorded locally (recorder.ts), flushed when read. */
const RECORDED = new Set<string>(['httpRequests', 'httpDuration', 'upstreamRequests', 'rateLimitDecisions'])

/** Creates every metric on `registry` (a fresh one by default, so tests and reloads never collide). */
export function createMetrics (registry = new Registry()): Metrics {
  const recorder = new Recorder()
  const flush = (): void => { recorder.flush() }
  const out: Record<string, unknown> = { registry, recorder }
  for (const [key, d] of Object.entries(METRIC_DEFS)) {
    const conf = {
      name: d.name,
      help: d.help,
      labelNames: [...d.labels],
      registers: [registry],
      ...(RECORDED.has(key) ? { collect: flush } : {}),
      ...('aggregator' in d ? { aggregator: d.aggregator } : {}),
    }
    out[key] = d.type === 'counter'
      ? new Counter(conf)
      : d.type === 'gauge' ? new Gauge(conf) : new Histogram({ ...conf, buckets: LATENCY_BUCKETS })
  }
  const metrics = out as Metrics
  metrics.buildInfo.set({ version: packageVersion() }, 1)
  return metrics
}
