// A route as the hot path sees it: everything precomputed from config once per snapshot.

import type { Counter } from 'prom-client'
import type { Metrics } from '../observability/metrics.js'
import type { RouteInfo, Stage } from './contract.js'
import { CodeCounter, SeriesHistogram } from '../observability/recorder.js'
import type { Recorder } from '../observability/recorder.js'
import type { Upstream } from './upstream/upstream.js'

export interface CompiledRoute extends RouteInfo {
  readonly upstream: Upstream
  readonly stages: readonly Stage[]
  readonly metrics: RouteMetrics
}

/** A route's request counters (by method and code) and its duration histogram, recorded locally. */
export class RouteMetrics {
  readonly #recorder: Recorder
  readonly #requests: Counter<string>
  readonly #route: string
  readonly #byMethod = new Map<string, CodeCounter>()
  #lastMethod = ''
  #last: CodeCounter | undefined = undefined
  readonly duration: SeriesHistogram

  constructor (route: string, metrics: Metrics) {
    this.#recorder = metrics.recorder
    this.#route = route
    this.#requests = metrics.httpRequests
    this.duration = new SeriesHistogram(this.#recorder, metrics.httpDuration, 'route', route)
  }

  count (method: string, code: number): void {
    let counter = method === this.#lastMethod ? this.#last : this.#byMethod.get(method)
    if (counter === undefined) {
      counter = new CodeCounter(this.#recorder, this.#requests, [this.#route, method])
      // Methods come from clients; cap the cache so odd methods cannot grow it without bound.
      if (this.#byMethod.size < 64) this.#byMethod.set(method, counter)
    }
    this.#lastMethod = method
    this.#last = counter
    counter.inc(code)
  }
}
