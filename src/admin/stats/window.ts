// Per-route traffic over a recent window, as raw counts: what one process measured between two of
// its samples. Raw so that workers' windows add up in the cluster primary (quantiles cannot be
// averaged; histogram buckets can be summed), and summary.ts turns them into rates and latencies.

export interface RouteWindow {
  readonly route: string
  /** Every request the route answered since the process started. */
  readonly total: number
  /** Requests answered inside the window. */
  readonly requests: number
  /** Of those, answered with a 5xx status. */
  readonly errors: number
  /** Requests inside the window per latency bucket (cumulative, as Prometheus `le` buckets). */
  readonly buckets: readonly number[]
}

export interface StatsWindow {
  /** Seconds between the two samples (at least the requested window, unless the process is younger). */
  readonly seconds: number
  /** Upper bounds of `buckets`, in seconds; the last is Infinity (sent as null in JSON). */
  readonly bounds: readonly number[]
  readonly routes: readonly RouteWindow[]
}
