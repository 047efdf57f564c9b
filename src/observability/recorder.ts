// Per-request metrics without prom-client on the hot path. prom-client's labelled `inc` and
// `observe` cost 0.3–0.45 µs each (a label hash string, a validation pass and a fresh object per
// call), and a request records three of them. Here each route and target keeps plain numbers and
// the pending amounts move into prom-client when it is read (the metrics' `collect` hook, which
// runs on every scrape and on the cluster aggregator's reads), so the exported series are the same
// as with per-request calls. Counters flush through the public API; histograms need one batched
// write into prom-client's private state, contained in prom-internals.ts.

import type { Counter, Histogram } from 'prom-client'
import { seriesBuckets } from './prom-internals.js'
import type { SeriesBuckets } from './prom-internals.js'

interface Flushable { flush (): void }

/**
 * Holds what has pending amounts. createMetrics makes one per Metrics object and hands its flush to
 * the recorded metrics' `collect` hooks; every snapshot and server of that Metrics shares it.
 */
export class Recorder {
  readonly #dirty: Flushable[] = []

  /** Called by a source the first time it gets a pending amount after a flush. */
  dirty (f: Flushable): void { this.#dirty.push(f) }

  flush (): void {
    const list = this.#dirty.splice(0)
    for (const f of list) f.flush()
  }
}

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

/** One series of a labelled counter, its label values fixed: counts pend until a read flushes them. */
export class SeriesCounter implements Flushable {
  readonly #recorder: Recorder
  readonly #child: Counter.Internal
  #pending = 0

  constructor (recorder: Recorder, counter: Counter<string>, labels: readonly string[]) {
    this.#recorder = recorder
    this.#child = counter.labels(...labels)
  }

  inc (): void {
    if (this.#pending++ === 0) this.#recorder.dirty(this)
  }

  flush (): void {
    const n = this.#pending
    this.#pending = 0
    if (n > 0) this.#child.inc(n)
  }
}

/**
 * One series of a histogram with a single label. Observations land in local buckets; a flush adds
 * them to prom-client's entry for the series. Where prom-client's internals are not the checked
 * ones, every observation goes straight to prom-client instead.
 */
export class SeriesHistogram implements Flushable {
  readonly #recorder: Recorder
  readonly #child: Histogram.Internal<string>
  readonly #buckets: SeriesBuckets | undefined
  /** Non-cumulative counts; the last slot is +Inf. */
  readonly #counts: number[]
  #sum = 0
  #count = 0
  #dirty = false

  constructor (recorder: Recorder, histogram: Histogram<string>, labelName: string, label: string) {
    this.#recorder = recorder
    this.#child = histogram.labels(label)
    this.#buckets = seriesBuckets(histogram, labelName, label)
    this.#counts = new Array<number>((this.#buckets?.bounds.length ?? 0) + 1).fill(0)
  }

  observe (value: number): void {
    const buckets = this.#buckets
    if (buckets === undefined) {
      this.#child.observe(value)
      return
    }
    const bounds = buckets.bounds
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
    const buckets = this.#buckets!
    if (!buckets.add(this.#counts, this.#sum, this.#count)) {
      // Unreachable with the checked prom-client; replays on bucket bounds so counts and buckets stay exact.
      const bounds = buckets.bounds
      for (let i = 0; i <= bounds.length; i++) {
        for (let n = this.#counts[i]!; n > 0; n--) this.#child.observe(bounds[i] ?? this.#sum / this.#count)
      }
    }
    this.#counts.fill(0)
    this.#sum = 0
    this.#count = 0
  }
}
