// Per-supplier counters and latency percentiles for `dispatcher.metrics()`. Percentiles come from
// a fixed-size ring of the most recent samples: memory stays constant however long the process
// runs, and "recent" is what an operator looking at a dashboard wants anyway.

/** Percentiles of the most recent samples (up to 1024), in milliseconds. */
export interface Percentiles {
  /** Median. */
  p50: number
  /** 90th percentile. */
  p90: number
  /** 99th percentile. */
  p99: number
  /** Largest sample. */
  max: number
  /** Samples the percentiles are taken over. */
  count: number
}

export class Reservoir {
  #samples: Float64Array
  #next = 0
  #filled = 0

  constructor (size = 1024) {
    this.#samples = new Float64Array(size)
  }

  add (value: number): void {
    this.#samples[this.#next] = value
    this.#next = (this.#next + 1) % this.#samples.length
    if (this.#filled < this.#samples.length) this.#filled++
  }

  percentiles (): Percentiles {
    const n = this.#filled
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0, count: 0 }
    const sorted = this.#samples.slice(0, n).sort()
    const at = (q: number): number => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]!, count: n }
  }
}

/** A supplier's circuit breaker state. */
export type BreakerStateName = 'closed' | 'open' | 'half-open'

/** One supplier's counters since the dispatcher was created, and its recent latencies (`dispatcher.metrics()`). */
export interface SupplierMetrics {
  /** Calls made to `request()` for this supplier. */
  requests: number
  /** Calls answered below 500 and not 429. */
  successes: number
  /** Calls that ended with a 5xx, a 429 or a network error or timeout, after retries. */
  failures: number
  /** Requests refused before reaching the supplier (queue full, deadline, breaker open, shutdown). */
  rejected: number
  /** 429 answers seen from the supplier, retries included. */
  rateLimited: number
  /** Retry attempts made. */
  retries: number
  /** Calls answered from the cache or by an identical GET in flight. */
  cacheHits: number
  /** Calls waiting for a token or a slot now. */
  queued: number
  /** Attempts sent and not yet answered now. */
  inFlight: number
  /** The circuit breaker's state now (`closed` when it is off). */
  breaker: BreakerStateName
  /** Time from `request()` to the answer, retries included, in ms. */
  latencyMs: Percentiles
  /** Time calls waited for admission (token and slot), in ms. */
  queueWaitMs: Percentiles
}

export class SupplierStats {
  requests = 0
  successes = 0
  failures = 0
  rejected = 0
  rateLimited = 0
  retries = 0
  cacheHits = 0
  readonly latency = new Reservoir()
  readonly queueWait = new Reservoir()
}
