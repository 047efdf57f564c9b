// How a finished call is counted, and the per-supplier snapshot behind `dispatcher.metrics()`.

import { isNeutral } from '../error-kinds.js'
import type { AttemptResult } from './response.js'
import type { Supplier } from './supplier.js'
import type { SupplierMetrics } from './stats.js'

/**
 * How a call counts: `success` (an answer below 500, not 429), `failure` (5xx, 429, network error
 * or timeout after retries) or `rejected` (refused before reaching the supplier).
 */
export type Outcome = 'success' | 'failure' | 'rejected'

export function classifyOutcome (res: AttemptResult | undefined, err: unknown): Outcome {
  if (res !== undefined) return res.status >= 500 || res.status === 429 ? 'failure' : 'success'
  // Load, lifecycle and the caller's own mistakes say nothing of the supplier (src/error-kinds.ts).
  return isNeutral(err) ? 'rejected' : 'failure'
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
