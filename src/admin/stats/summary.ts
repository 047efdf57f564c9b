// Raw windows (one per process) into what the dashboard shows per route: request rate, error rate
// and latency quantiles. Quantiles follow Prometheus' histogram_quantile: find the bucket holding
// the rank, interpolate linearly inside it; a rank in the +Inf bucket answers the highest finite bound.

import type { StatsWindow } from './window.js'

export interface RouteStats {
  route: string
  /** Requests answered since start (summed over workers). */
  requests: number
  /** Requests per second over the window. */
  rps: number
  /** 5xx answers / answers in the window; null when there were none. */
  errorRate: number | null
  /** Seconds; null when the window saw no request. */
  p50: number | null
  p99: number | null
}

export interface StatsView {
  /** The span the figures cover, in seconds (the longest of the workers' windows). */
  windowSeconds: number
  routes: RouteStats[]
}

export function summarize (windows: readonly StatsWindow[]): StatsView {
  const by = new Map<string, { total: number, requests: number, errors: number, rps: number, buckets: number[] }>()
  let bounds: readonly number[] = []
  for (const w of windows) {
    if (w.bounds.length > bounds.length) bounds = w.bounds
    for (const r of w.routes) {
      let acc = by.get(r.route)
      if (acc === undefined) by.set(r.route, acc = { total: 0, requests: 0, errors: 0, rps: 0, buckets: [] })
      acc.total += r.total
      acc.requests += r.requests
      acc.errors += r.errors
      if (w.seconds > 0) acc.rps += r.requests / w.seconds
      r.buckets.forEach((n, i) => { acc.buckets[i] = (acc.buckets[i] ?? 0) + n })
    }
  }
  const routes = [...by].map(([route, a]) => ({
    route,
    requests: a.total,
    rps: round(a.rps),
    errorRate: a.requests === 0 ? null : round(a.errors / a.requests),
    p50: quantile(0.5, bounds, a.buckets),
    p99: quantile(0.99, bounds, a.buckets),
  })).sort((x, y) => x.route < y.route ? -1 : x.route > y.route ? 1 : 0)
  return { windowSeconds: round(Math.max(0, ...windows.map(w => w.seconds))), routes }
}

/** `buckets` are cumulative counts per upper bound in `bounds`. */
export function quantile (q: number, bounds: readonly number[], buckets: readonly number[]): number | null {
  const count = buckets.at(-1) ?? 0
  if (count <= 0) return null
  const rank = q * count
  const i = buckets.findIndex(n => n >= rank)
  // Infinity crosses JSON (cluster IPC) as null.
  const upper = bounds[i] ?? Infinity
  if (!Number.isFinite(upper)) return round(bounds.filter(Number.isFinite).at(-1) ?? 0)
  const lower = i === 0 ? 0 : bounds[i - 1]!
  const below = i === 0 ? 0 : buckets[i - 1]!
  const inBucket = buckets[i]! - below
  return round(inBucket === 0 ? upper : lower + (upper - lower) * (rank - below) / inBucket)
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6
