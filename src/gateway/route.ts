// A route as the hot path sees it: everything precomputed from config once per snapshot.

import type { Counter, Histogram } from 'prom-client'
import type { Metrics } from '../observability/metrics.js'
import type { Stage } from './pipeline.js'
import type { PathRewrite } from './router/rewrite.js'
import type { Upstream } from './upstream/upstream.js'

export interface CompiledRoute {
  readonly name: string
  readonly upstream: Upstream
  readonly stages: readonly Stage[]
  readonly rewrite: PathRewrite | undefined
  readonly preserveHost: boolean
  /** Bytes; undefined = unlimited. */
  readonly maxBodySize: number | undefined
  readonly metrics: RouteMetrics
}

/** Prometheus label children cached per route, so a request costs no label hashing. */
export class RouteMetrics {
  readonly #requests: Counter<string>
  readonly #route: string
  readonly #byMethodCode = new Map<string, Counter.Internal>()
  readonly duration: Histogram.Internal<string>

  constructor (route: string, metrics: Metrics) {
    this.#route = route
    this.#requests = metrics.httpRequests
    this.duration = metrics.httpDuration.labels(route)
  }

  count (method: string, code: number): void {
    const key = method + code
    let child = this.#byMethodCode.get(key)
    if (child === undefined) {
      child = this.#requests.labels(this.#route, method, String(code))
      // Methods come from clients; cap the cache so odd methods cannot grow it without bound.
      if (this.#byMethodCode.size < 256) this.#byMethodCode.set(key, child)
    }
    child.inc()
  }
}
