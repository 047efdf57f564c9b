// Per-request metrics without prom-client on the hot path. prom-client's labelled `inc` and
// `observe` cost 0.3–0.45 µs each (a label hash string, a validation pass and a fresh object per
// call), and a request records three of them. Here each route and target keeps plain numbers and
// the pending amounts move into prom-client when it is read (its `collect` hook, which runs on
// every scrape and on the cluster aggregator's reads), so the exported series are the same as
// with per-request calls.

import type { Counter, Histogram } from 'prom-client'
import type { Metrics } from '../observability/metrics.js'

interface Flushable { flush (): void }

type Collectable = { collect?: () => void }

/** Holds what has pending amounts; one per Metrics object, shared by every snapshot and server. */
export class Recorder {
  readonly #dirty: Flushable[] = []

  static for (metrics: Metrics): Recorder {
    let r = recorders.get(metrics)
    if (r === undefined) {
      r = new Recorder()
      recorders.set(metrics, r)
      const flush = (): void => { r!.flush() }
      for (const m of [metrics.httpRequests, metrics.httpDuration, metrics.upstreamRequests]) {
        (m as Collectable).collect = flush
      }
    }
    return r
  }

  /** Called by a source the first time it gets a pending amount after a flush. */
  dirty (f: Flushable): void { this.#dirty.push(f) }

  flush (): void {
    const list = this.#dirty.splice(0)
    for (const f of list) f.flush()
  }
}

const recorders = new WeakMap<Metrics, Recorder>()

interface Cell { readonly child: Counter.Internal, pending: number }

/** One labelled counter whose last label is a status code; children and pending counts per code. */
export class CodeCounter implements Flushable {
  readonly #recorder: Recorder
  readonly #counter: Counter<string>
  readonly #labels: readonly string[]
  readonly #cells = new Map<number, Cell>()
  #lastCode = -1
  #last: Cell | undefined = undefined
  #dirty = false

  /** `labels` are the values before `code`, in the counter's label order. */
  constructor (recorder: Recorder, counter: Counter<string>, labels: readonly string[]) {
    this.#recorder = recorder
    this.#counter = counter
    this.#labels = labels
  }

  inc (code: number): void {
    let cell = code === this.#lastCode ? this.#last : this.#cells.get(code)
    if (cell === undefined) {
      cell = { child: this.#counter.labels(...this.#labels, String(code)), pending: 0 }
      this.#cells.set(code, cell)
    }
    this.#lastCode = code
    this.#last = cell
    cell.pending++
    if (!this.#dirty) {
      this.#dirty = true
      this.#recorder.dirty(this)
    }
  }

  flush (): void {
    this.#dirty = false
    for (const cell of this.#cells.values()) {
      if (cell.pending === 0) continue
      cell.child.inc(cell.pending)
      cell.pending = 0
    }
  }
}

/** prom-client's per-label-set histogram state (stable since v11; checked before use). */
interface HistogramEntry { bucketValues: Record<string, number>, sum: number, count: number }
interface HistogramInternals {
  hashMap?: Record<string, HistogramEntry | undefined>
  upperBounds?: readonly number[]
}

/**
 * One series of a histogram with a single label. Observations land in local buckets; a flush adds
 * them to prom-client's own entry for the series. Should prom-client's internals ever differ from
 * what this expects, every observation goes straight to prom-client instead.
 */
export class SeriesHistogram implements Flushable {
  readonly #recorder: Recorder
  readonly #histogram: Histogram<string>
  readonly #child: Histogram.Internal<string>
  readonly #labelName: string
  readonly #label: string
  readonly #bounds: readonly number[] | undefined
  /** Non-cumulative counts; the last slot is +Inf. */
  readonly #counts: number[]
  #sum = 0
  #count = 0
  #dirty = false

  constructor (recorder: Recorder, histogram: Histogram<string>, labelName: string, label: string) {
    this.#recorder = recorder
    this.#histogram = histogram
    this.#child = histogram.labels(label)
    this.#labelName = labelName
    this.#label = label
    const internals = histogram as unknown as HistogramInternals
    const bounds = internals.upperBounds
    this.#bounds = Array.isArray(bounds) && typeof internals.hashMap === 'object' ? bounds : undefined
    this.#counts = new Array<number>((this.#bounds?.length ?? 0) + 1).fill(0)
  }

  observe (value: number): void {
    const bounds = this.#bounds
    if (bounds === undefined) {
      this.#child.observe(value)
      return
    }
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.#counts[i]!++
    this.#sum += value
    this.#count++
    if (!this.#dirty) {
      this.#dirty = true
      this.#recorder.dirty(this)
    }
  }

  flush (): void {
    this.#dirty = false
    if (this.#count === 0) return
    const bounds = this.#bounds!
    const entry = this.#entry()
    if (entry === undefined) {
      // Unreachable with the prom-client this was written for; keeps counts and buckets exact.
      for (let i = 0; i <= bounds.length; i++) {
        for (let n = this.#counts[i]!; n > 0; n--) this.#child.observe(bounds[i] ?? this.#sum / this.#count)
        this.#counts[i] = 0
      }
      this.#sum = 0
      this.#count = 0
      return
    }
    for (let i = 0; i < bounds.length; i++) {
      const n = this.#counts[i]!
      if (n === 0) continue
      entry.bucketValues[bounds[i]!] = (entry.bucketValues[bounds[i]!] ?? 0) + n
      this.#counts[i] = 0
    }
    this.#counts[bounds.length] = 0
    entry.sum += this.#sum
    entry.count += this.#count
    this.#sum = 0
    this.#count = 0
  }

  #entry (): HistogramEntry | undefined {
    const map = (this.#histogram as unknown as HistogramInternals).hashMap!
    // prom-client keys a series by `name:value,` per label.
    const key = `${this.#labelName}:${this.#label},`
    let entry = map[key]
    if (entry === undefined) {
      this.#histogram.zero({ [this.#labelName]: this.#label })
      entry = map[key]
    }
    return entry
  }
}
