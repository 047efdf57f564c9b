// How a finished call is counted, and the per-supplier snapshot behind `dispatcher.metrics()`.

import { SluiceError } from '../errors.js'
import type { AttemptResult } from './response.js'
import type { Supplier } from './supplier.js'
import type { SupplierMetrics } from './stats.js'

export type Outcome = 'success' | 'failure' | 'rejected'

/** Refusals made before anything reached the supplier: load and lifecycle, not supplier health. */
const REJECTIONS = new Set(['SLC_QUEUE_FULL', 'SLC_QUEUE_TIMEOUT', 'SLC_CIRCUIT_OPEN', 'SLC_SHUTTING_DOWN', 'SLC_ABORTED'])

export function classifyOutcome (res: AttemptResult | undefined, err: unknown): Outcome {
  if (res !== undefined) return res.status >= 500 || res.status === 429 ? 'failure' : 'success'
  return SluiceError.is(err) && REJECTIONS.has(err.code) ? 'rejected' : 'failure'
}

export function snapshot (s: Supplier): SupplierMetrics {
  const st = s.stats
  return {
    requests: st.requests,
    successes: st.successes,
    failures: st.failures,
    rejected: st.rejected,
    rateLimited: st.rateLimited,
    retries: st.retries,
    cacheHits: st.cacheHits,
    queued: s.scheduler.queued,
    inFlight: s.scheduler.inFlight,
    breaker: s.breaker?.state ?? 'closed',
    latencyMs: st.latency.percentiles(),
    queueWaitMs: st.queueWait.percentiles(),
  }
}
