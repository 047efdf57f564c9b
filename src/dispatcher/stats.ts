// Per-supplier counters and latency percentiles for `dispatcher.metrics()`. Percentiles come from
// a fixed-size ring of the most recent samples: memory stays constant however long the process
// runs, and "recent" is what an operator looking at a dashboard wants anyway.

export interface Percentiles { p50: number, p90: number, p99: number, max: number, count: number }

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

export type BreakerStateName = 'closed' | 'open' | 'half-open'

export interface SupplierMetrics {
  requests: number
  successes: number
  failures: number
  /** Requests refused before reaching the supplier (queue full, deadline, breaker open, shutdown). */
  rejected: number
  /** 429 answers seen from the supplier, retries included. */
  rateLimited: number
  retries: number
  cacheHits: number
  queued: number
  inFlight: number
  breaker: BreakerStateName
  latencyMs: Percentiles
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
