// An attempt's answer when the request is traced: closes the attempt's client span at the response
// head (or the failure), then hands the outcome on. The span measures the upstream's time to answer;
// the body's streaming belongs to the server span. Used only when tracing is on (upstream.ts).

import type { Dispatcher } from 'undici'
import type { Answer, AttemptTrace, Exchange, ResponseHead } from '../contract.js'

export class TracedAnswer implements Answer {
  readonly #inner: Answer
  readonly #span: AttemptTrace

  constructor (inner: Answer, span: AttemptTrace) {
    this.#inner = inner
    this.#span = span
  }

  head (ctx: Exchange, head: ResponseHead): void {
    this.#span.end(head.status)
    this.#inner.head(ctx, head)
  }

  fail (ctx: Exchange, err: unknown): void {
    this.#span.end(undefined, err)
    this.#inner.fail(ctx, err)
  }
}

/**
 * The attempt's headers with the client's traceparent/tracestate replaced by the attempt's own.
 * A copy: the base list is shared by every attempt of the request.
 */
export function withTraceHeaders (opts: Dispatcher.DispatchOptions, span: AttemptTrace): void {
  const base = opts.headers as string[]
  const out: string[] = []
  for (let i = 0; i < base.length; i += 2) {
    const name = base[i]!.toLowerCase()
    if (name === 'traceparent' || name === 'tracestate') continue
    out.push(base[i]!, base[i + 1]!)
  }
  out.push(...span.headers)
  opts.headers = out
}
