// Node's own process metrics (CPU, memory, heap spaces, event-loop lag, GC, handles) under the
// sluice_ prefix, from prom-client's default collectors. They are not in METRIC_DEFS because
// prom-client owns their names and help; docs/metrics.md lists them.
//
// The collectors watch process-wide state (one GC observer and one event-loop-delay histogram per
// registration), so a registry gets them once, however many gateways share it.

import { collectDefaultMetrics } from 'prom-client'
import type { Registry } from 'prom-client'

export const PROCESS_METRICS_PREFIX = 'sluice_'

export function registerProcessMetrics (registry: Registry): void {
  if (registry.getSingleMetric(`${PROCESS_METRICS_PREFIX}process_cpu_seconds_total`) !== undefined) return
  collectDefaultMetrics({ register: registry, prefix: PROCESS_METRICS_PREFIX })
}
