// Turns a Dispatcher's events and snapshot into the sluice_dispatcher_* metrics. The dispatcher
// itself knows nothing of prom-client: counters follow its events, gauges are read at scrape time.

import type { Dispatcher } from '../dispatcher/dispatcher.js'
import type { Metrics } from './metrics.js'

type Collectable = { collect?: () => void }

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const

/** Binds `d` to `m`; returns the function that unbinds it. */
export function bindDispatcherMetrics (d: Dispatcher, m: Metrics): () => void {
  const offs = [
    d.events.requestEnd.on(e => {
      m.dispatcherRequests.inc({ supplier: e.supplier, outcome: e.outcome })
      if (e.outcome !== 'rejected') m.dispatcherDuration.observe({ supplier: e.supplier }, e.durationMs / 1000)
      if (!e.fromCache && e.attempts > 0) m.dispatcherQueueWait.observe({ supplier: e.supplier }, e.queuedMs / 1000)
    }),
    d.events.retry.on(e => m.dispatcherRetries.inc({ supplier: e.supplier })),
    d.events.rateLimited.on(e => m.dispatcherRateLimited.inc({ supplier: e.supplier })),
    d.events.spansDropped.on(e => m.tracingSpansDropped.inc({ reason: e.reason }, e.count)),
  ]
  // Every failed store operation (take, refund, pause), logged or not: the log is throttled, this is not.
  const storeOff = d.storeEvents?.on(e => { if (e.type === 'storeError') m.storeErrors.inc({ store: 'redis' }) })
  if (storeOff !== undefined) offs.push(storeOff)
  // Gauges are read at scrape time: prom-client calls a metric's `collect` before reading it.
  const gauges = [m.dispatcherQueued, m.dispatcherInFlight, m.dispatcherBreakerState] as const
  const refresh = (): void => {
    for (const [supplier, s] of Object.entries(d.metrics())) {
      m.dispatcherQueued.set({ supplier }, s.queued)
      m.dispatcherInFlight.set({ supplier }, s.inFlight)
      m.dispatcherBreakerState.set({ supplier }, BREAKER_VALUE[s.breaker])
    }
  }
  refresh()
  for (const g of gauges) (g as Collectable).collect = refresh
  return () => {
    for (const off of offs) off()
    for (const g of gauges) (g as Collectable).collect = undefined
  }
}
