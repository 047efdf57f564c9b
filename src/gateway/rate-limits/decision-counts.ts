// `sluice_rate_limit_decisions_total{route, limit, result}` for one rateLimits stage. Every decision
// of every request counts here, so a count is a pending number on a fixed series (recorder.ts),
// found by object identity, and prom-client hashes its labels only when the metrics are read.

import type { Metrics } from '../../observability/metrics.js'
import { SeriesCounter } from '../../observability/recorder.js'
import type { CompiledLimit } from './limits.js'

export type Result = 'allowed' | 'rejected' | 'delayed'
const RESULTS: readonly Result[] = ['allowed', 'rejected', 'delayed']

export class DecisionCounts {
  readonly #metrics: Metrics
  /** Route name → limit → one series per result, in RESULTS order. */
  readonly #series = new Map<string, Map<CompiledLimit, SeriesCounter[]>>()

  constructor (metrics: Metrics) { this.#metrics = metrics }

  count (route: string, limit: CompiledLimit, result: Result): void {
    let byLimit = this.#series.get(route)
    if (byLimit === undefined) this.#series.set(route, byLimit = new Map())
    let series = byLimit.get(limit)
    if (series === undefined) {
      const { recorder, rateLimitDecisions } = this.#metrics
      series = RESULTS.map(r => new SeriesCounter(recorder, rateLimitDecisions, [route, limit.name, r]))
      byLimit.set(limit, series)
    }
    series[RESULTS.indexOf(result)]!.inc()
  }
}
