// Samples the gateway's own route metrics (sluice_http_requests_total and the duration histogram,
// read through prom-client's public get()) when someone asks, and keeps a short ring of them: the
// dashboard's polling makes the samples, so nothing runs while no one looks. A window compares the
// newest sample with the oldest one inside the requested span; the first sample is the process
// start (all zero), so a fresh gateway already answers over its whole life.

import type { Clock } from '../../core/clock.js'
import type { Metrics } from '../../observability/metrics.js'
import type { RouteWindow, StatsWindow } from './window.js'

/** Longest window offered, and so how long samples are kept. */
export const MAX_WINDOW_S = 300
/** Samples closer together than this are not kept (the newest still answers). */
const MIN_GAP_MS = 1000

interface RouteCounts { total: number, errors: number, buckets: number[] }
interface Sample { readonly at: number, readonly routes: ReadonlyMap<string, RouteCounts> }

export class StatsSampler {
  readonly #metrics: Metrics
  readonly #clock: Clock
  readonly #ring: Sample[]
  #bounds: number[] = []

  constructor (metrics: Metrics, clock: Clock) {
    this.#metrics = metrics
    this.#clock = clock
    this.#ring = [{ at: clock.now(), routes: new Map() }]
  }

  /** Samples now and compares with the newest sample at least `seconds` old (the oldest one when none is). */
  async window (seconds: number): Promise<StatsWindow> {
    const now = await this.#sample()
    const from = now.at - Math.min(seconds, MAX_WINDOW_S) * 1000
    const base = this.#ring.findLast(s => s.at <= from) ?? this.#ring[0]!
    this.#keep(now)
    const routes: RouteWindow[] = []
    for (const [route, c] of now.routes) {
      const b = base.routes.get(route)
      routes.push({
        route,
        total: c.total,
        requests: c.total - (b?.total ?? 0),
        errors: c.errors - (b?.errors ?? 0),
        buckets: c.buckets.map((n, i) => n - (b?.buckets[i] ?? 0)),
      })
    }
    return { seconds: (now.at - base.at) / 1000, bounds: this.#bounds, routes }
  }

  #keep (s: Sample): void {
    const last = this.#ring.at(-1)!
    if (s.at - last.at >= MIN_GAP_MS) this.#ring.push(s)
    // One sample older than the longest window stays, as that window's base.
    while (this.#ring.length > 2 && this.#ring[1]!.at <= s.at - MAX_WINDOW_S * 1000) this.#ring.shift()
  }

  async #sample (): Promise<Sample> {
    const [requests, duration] = await Promise.all([this.#metrics.httpRequests.get(), this.#metrics.httpDuration.get()])
    const at = this.#clock.now()
    const routes = new Map<string, RouteCounts>()
    const of = (route: string): RouteCounts => {
      let c = routes.get(route)
      if (c === undefined) routes.set(route, c = { total: 0, errors: 0, buckets: [] })
      return c
    }
    for (const v of requests.values) {
      const c = of(String(v.labels.route))
      c.total += v.value
      if (Number(v.labels.code) >= 500) c.errors += v.value
    }
    const bounds: number[] = []
    for (const v of duration.values) {
      if (v.metricName !== `${duration.name}_bucket`) continue
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le)
      const c = of(String(v.labels.route))
      c.buckets.push(v.value)
      if (c.buckets.length > bounds.length) bounds.push(le)
    }
    if (bounds.length > 0) this.#bounds = bounds
    return { at, routes }
  }
}
