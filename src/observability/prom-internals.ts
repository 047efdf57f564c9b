// The one place Sluice touches prom-client's private state. The recorder (recorder.ts) keeps a
// route's latency observations in local buckets and adds them to prom-client at scrape time; the
// public API can only add one observation per call (0.3–0.45 µs each, measured per request), so the
// batched add writes into the series' entry directly.
//
// What is relied on, in prom-client's lib/histogram.js:
//   histogram.upperBounds   the bucket bounds, ascending (frozen array)
//   histogram.hashMap       series entries keyed by `label:value,` per label, in label-name order
//   entry.bucketValues      non-cumulative counts keyed by bound (+Inf is count minus their sum)
//   entry.sum, entry.count  numbers
//   histogram.zero(labels)  creates an entry of that shape
// prom-internals.test.ts fails on any prom-client other than CHECKED_VERSION: on an upgrade, read
// lib/histogram.js again, then bump it. Should the layout still differ at runtime (a user's newer
// prom-client), seriesBuckets returns undefined and the recorder uses the public `observe`.

import type { Histogram } from 'prom-client'

/** The prom-client version whose histogram internals this file was checked against. */
export const CHECKED_VERSION = '15.1.3'

interface Entry { bucketValues: Record<string, number>, sum: number, count: number }
interface Internals { hashMap?: Record<string, Entry | undefined>, upperBounds?: readonly number[] }

/** Batched writes into one labelled series of a histogram. */
export interface SeriesBuckets {
  readonly bounds: readonly number[]
  /**
   * Adds observations: `counts[i]` in bucket i (not cumulative; the slot after the last bound is
   * +Inf), `sum` and `count` in total. False when the entry is not of the known shape; nothing is
   * added then.
   */
  add (counts: readonly number[], sum: number, count: number): boolean
}

function isEntry (e: unknown): e is Entry {
  const x = e as Partial<Entry> | undefined
  return typeof x === 'object' && x !== null && typeof x.bucketValues === 'object' &&
    typeof x.sum === 'number' && typeof x.count === 'number'
}

/** Direct access to the series `labelName=label` of a single-label histogram, or undefined. */
export function seriesBuckets (
  histogram: Histogram<string>, labelName: string, label: string
): SeriesBuckets | undefined {
  const internals = histogram as unknown as Internals
  const bounds = internals.upperBounds
  if (!Array.isArray(bounds) || typeof internals.hashMap !== 'object') return undefined
  const key = `${labelName}:${label},`
  return {
    bounds,
    add (counts, sum, count) {
      // Read hashMap each time: reset() replaces it.
      let entry = internals.hashMap?.[key]
      if (entry === undefined) {
        histogram.zero({ [labelName]: label })
        entry = internals.hashMap?.[key]
      }
      if (!isEntry(entry)) return false
      for (let i = 0; i < bounds.length; i++) {
        const n = counts[i]!
        if (n !== 0) entry.bucketValues[bounds[i]!] = (entry.bucketValues[bounds[i]!] ?? 0) + n
      }
      entry.sum += sum
      entry.count += count
      return true
    },
  }
}
