// The gauges of each upstream's breaker and concurrency limits (issue 8), read at scrape time from
// the upstreams in service: nothing is counted per request for them. prom-client calls a metric's
// `collect` before reading it; each read starts from empty, so an upstream a reload removed goes.

import type { Gauge } from 'prom-client'
import type { BreakerState } from '../core/breaker/breaker.js'
import type { Metrics } from './metrics.js'

/** What the gauges read of an upstream (gateway/upstream/upstream.ts). */
export interface UpstreamGaugeView {
  readonly name: string
  readonly inFlight: number
  readonly guard: {
    readonly limited: boolean
    readonly limit: number
    readonly breaker: { readonly state: BreakerState } | undefined
  } | undefined
}

type Collectable = { collect?: () => void }

/** As the dispatcher's breaker gauge. */
const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const

/** Binds the gauges to `upstreams` (called at each scrape); returns the function that unbinds them. */
export function bindUpstreamGauges (m: Metrics, upstreams: () => Iterable<UpstreamGaugeView>): () => void {
  const gauges: Gauge<string>[] = [m.breakerState, m.upstreamInFlight, m.upstreamSaturation, m.upstreamConcurrencyLimit]
  const refresh = (): void => {
    for (const g of gauges) g.reset()
    for (const u of upstreams()) {
      const upstream = u.name
      const inFlight = u.inFlight
      m.upstreamInFlight.set({ upstream }, inFlight)
      const guard = u.guard
      if (guard === undefined) continue
      if (guard.breaker !== undefined) m.breakerState.set({ upstream }, BREAKER_VALUE[guard.breaker.state])
      if (!guard.limited) continue
      const limit = guard.limit
      m.upstreamConcurrencyLimit.set({ upstream }, limit)
      m.upstreamSaturation.set({ upstream }, inFlight / limit)
    }
  }
  // One refresh serves all four: whichever the registry reads first brings the others up to date.
  for (const g of gauges) (g as Collectable).collect = refresh
  return () => {
    for (const g of gauges) (g as Collectable).collect = undefined
  }
}
