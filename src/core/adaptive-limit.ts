// A gradient concurrency limit (Netflix concurrency-limits' Gradient/Gradient2, Envoy's adaptive
// concurrency filter): how many calls may be in flight to a dependency, learnt from its latency.
//
// Calls are gathered in sample windows (at least `windowMs` and `minSamples` calls, or `maxSamples`
// calls). Each window's latency is its p90 (Envoy's sampleRTT), which sees a queue as soon as a
// tenth of the calls wait in it. minRtt, the latency the dependency has without a queue, is the
// median of a probe window with the limit pinned to `min` (twice `minSamples` calls): the first
// window, and again every `probeIntervalMs` (Envoy's minRTT calculation window), so a dependency
// that became slower for good is not read as queueing forever. Only probes set it, and by their
// median: the luckiest of many loaded windows, or a probe's few calls caught in a stall of a busy
// host, would set it too low or too high, and noise would then read as queueing or hide it.
// At each other window's end:
//
//   gradient = clamp(tolerance × minRtt / p90, 0.5, 1)          1 while latency stays near minRtt
//   limit'   = limit × gradient × (1 − failed share)            shrinks when a queue forms or calls fail
//            + sqrt(limit)   when nothing failed and the window used at least half the limit
//
//   latency ▲        a queue forms past the knee: p90 rises, gradient < 1, the limit falls back
//           │            ___/
//    minRtt ├───────────/        ← limit grows by sqrt(limit) per window while p90 ≈ minRtt
//           └──────────┴────────▶ in flight
//                     knee
//
// so the limit climbs to the knee and settles around it (limit = sqrt(limit) / (1 − gradient)).
// Gradient2's rule of not growing an app-limited limit (fewer than half of it in use) keeps a
// quiet upstream from being granted a limit that a burst would then overrun. The gradient never
// drops below 0.5 per window, so one outlier window cannot collapse the limit.

import type { Clock } from './clock.js'
import { systemClock } from './clock.js'
import { InvalidOptionsError } from '../errors.js'

export interface AdaptiveLimitOptions {
  /** The limit stays within [min, max]; it starts at `min`. */
  min: number
  max: number
  /** Shortest sample window [100]. */
  windowMs?: number
  /** Calls a window needs before it may close [10]. */
  minSamples?: number
  /** A window closes at once with this many calls, however short [250]. */
  maxSamples?: number
  /** Latency up to tolerance × minRtt counts as no queue [1.5]. */
  tolerance?: number
  /** Time between probe windows that measure minRtt again [30000]. */
  probeIntervalMs?: number
}

export interface AdaptiveLimit {
  /** Calls allowed in flight now: an integer in [min, max]. */
  readonly limit: number
  /** The no-queue latency learnt so far, in ms; undefined before the first window closed. */
  readonly minRtt: number | undefined
  /**
   * One finished call: its latency, and the calls in flight when it was admitted (itself included).
   * A failed call's latency is not used (a refused connection is fast, and says nothing of queues).
   */
  record (latencyMs: number, inFlight: number, ok: boolean): void
}

export function createAdaptiveLimit (opts: AdaptiveLimitOptions, deps: { clock?: Clock } = {}): AdaptiveLimit {
  const clock = deps.clock ?? systemClock
  const { min, max, windowMs = 100, minSamples = 10, maxSamples = 250 } = opts
  const { tolerance = 1.5, probeIntervalMs = 30_000 } = opts
  if (!Number.isInteger(min) || min < 1 || !Number.isInteger(max) || max < min) {
    throw new InvalidOptionsError(`adaptive limit: need integers 1 <= min <= max (got ${min}, ${max})`)
  }
  if (!(windowMs > 0) || !(minSamples >= 1) || !(maxSamples >= minSamples) || !(tolerance >= 1) ||
    !(probeIntervalMs > 0)) {
    throw new InvalidOptionsError(
      'adaptive limit: windowMs > 0, 1 <= minSamples <= maxSamples, tolerance >= 1, probeIntervalMs > 0')
  }
  const latencies = new Float64Array(maxSamples)
  let count = 0
  let failed = 0
  let peak = 0
  let windowEnd = clock.now() + windowMs
  let estimate = min
  let minRtt: number | undefined
  // The first window is a probe: the limit starts at min anyway.
  let probing = true
  let nextProbe = 0

  function percentile (q: number): number {
    const sorted = latencies.subarray(0, count).sort()
    return sorted[Math.min(count - 1, Math.ceil(count * q) - 1)]!
  }

  function closeWindow (now: number): void {
    if (probing) {
      if (count > 0) minRtt = percentile(0.5)
      probing = false
      nextProbe = now + probeIntervalMs
    } else {
      let gradient = 0.5
      if (count > 0) {
        const latency = percentile(0.9)
        minRtt ??= latency
        // A p90 of 0 (a clock too coarse to see the call) is no queue at all.
        gradient = latency <= 0 ? 1 : Math.max(0.5, Math.min(1, tolerance * minRtt / latency))
      }
      let next = estimate * Math.max(0.5, gradient * (1 - failed / (count + failed)))
      if (failed === 0 && peak >= estimate / 2) next += Math.sqrt(estimate)
      estimate = Math.max(min, Math.min(max, next))
      probing = now >= nextProbe
    }
    count = 0
    failed = 0
    peak = 0
    windowEnd = now + windowMs
  }

  return {
    get limit () { return probing ? min : Math.floor(estimate) },
    get minRtt () { return minRtt },
    record (latencyMs, inFlight, ok) {
      // A call finishing after the window's end starts the next one: windows follow the clock.
      const now = clock.now()
      if (now >= windowEnd && count + failed >= (probing ? 2 * minSamples : minSamples)) closeWindow(now)
      // A probe measures calls admitted within its pinned limit only: the ones admitted before
      // it may have queued.
      if (probing && inFlight > min) return
      if (ok) latencies[count++] = latencyMs
      else failed++
      if (inFlight > peak) peak = inFlight
      if (count === maxSamples) closeWindow(now)
    },
  }
}
