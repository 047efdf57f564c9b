// The span processor between finished spans and the OTLP exporter: a bounded queue, sent in batches
// by one export at a time. A request never waits on it: onEnd only pushes (or drops, when the queue
// is full), and the export — JSON encoding included — runs from a timer, off the request's turn.
//
// The SDK's BatchSpanProcessor does the same but only logs its drops; Sluice counts every span it
// loses (sluice_tracing_spans_dropped_total): `queue_full` when spans end faster than they can be
// sent, `export_failed` when the receiver refused them or could not be reached.

import { TraceFlags } from '@opentelemetry/api'
import { ExportResultCode } from '@opentelemetry/core'
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'

export type DropReason = 'queue_full' | 'export_failed'

export interface SpanQueueOptions {
  /** Spans held at most; more are dropped [2048]. */
  maxQueue?: number
  /** Spans per export request [512]. */
  maxBatch?: number
  /** How long a span waits for a batch to fill [1000 ms]. */
  delayMs?: number
  onDrop: (count: number, reason: DropReason) => void
}

export class SpanQueue implements SpanProcessor {
  readonly #exporter: SpanExporter
  readonly #maxQueue: number
  readonly #maxBatch: number
  readonly #delayMs: number
  readonly #onDrop: (count: number, reason: DropReason) => void
  #spans: ReadableSpan[] = []
  #timer: NodeJS.Timeout | undefined = undefined
  /** The export in flight, if any: one at a time, so a slow receiver cannot pile requests up. */
  #sending: Promise<void> | undefined = undefined

  constructor (exporter: SpanExporter, options: SpanQueueOptions) {
    this.#exporter = exporter
    this.#maxQueue = options.maxQueue ?? 2048
    this.#maxBatch = options.maxBatch ?? 512
    this.#delayMs = options.delayMs ?? 1000
    this.#onDrop = options.onDrop
  }

  onStart (): void {}

  onEnd (span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return
    if (this.#spans.length >= this.#maxQueue) {
      this.#onDrop(1, 'queue_full')
      return
    }
    this.#spans.push(span)
    if (this.#sending !== undefined) return
    if (this.#spans.length >= this.#maxBatch) this.#schedule(0)
    else if (this.#timer === undefined) this.#schedule(this.#delayMs)
  }

  /** Sends everything queued now, waiting for each export. */
  async forceFlush (): Promise<void> {
    this.#cancelTimer()
    while (this.#sending !== undefined || this.#spans.length > 0) {
      await (this.#sending ?? this.#send())
    }
  }

  async shutdown (): Promise<void> {
    await this.forceFlush()
    await this.#exporter.shutdown()
  }

  #schedule (ms: number): void {
    this.#cancelTimer()
    // Unref'd: pending spans keep no process alive (close() flushes them).
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#send().catch(() => {})
    }, ms)
    this.#timer.unref()
  }

  #cancelTimer (): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #send (): Promise<void> {
    const batch = this.#spans.splice(0, this.#maxBatch)
    if (batch.length === 0) return Promise.resolve()
    this.#sending = new Promise<void>((resolve) => {
      const done = (ok: boolean): void => {
        if (!ok) this.#onDrop(batch.length, 'export_failed')
        this.#sending = undefined
        resolve()
        if (this.#spans.length >= this.#maxBatch) this.#schedule(0)
        else if (this.#spans.length > 0 && this.#timer === undefined) this.#schedule(this.#delayMs)
      }
      try {
        this.#exporter.export(batch, (r) => { done(r.code === ExportResultCode.SUCCESS) })
      } catch {
        done(false)
      }
    })
    return this.#sending
  }
}
