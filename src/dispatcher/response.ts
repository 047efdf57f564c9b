// What `dispatcher.request()` resolves with: the supplier's answer, fully buffered, plus how the
// dispatcher got it (attempts, time queued, cache).

import type { IncomingHttpHeaders } from 'node:http'

export type ResponseHeaders = IncomingHttpHeaders

export interface DispatchResponse {
  readonly status: number
  readonly headers: ResponseHeaders
  readonly body: Buffer
  /** Attempts sent to the supplier for this answer (0 when it came from the cache). */
  readonly attempts: number
  /** From `request()` to the answer, retries and queueing included. */
  readonly durationMs: number
  /** Time spent waiting for admission (token + slot), summed over attempts. */
  readonly queuedMs: number
  /** True when the answer was served from the cache or shared with an identical in-flight GET. */
  readonly fromCache: boolean
  text (): string
  json<T = unknown> (): T
}

/** One attempt's raw answer, as the transport hands it to the retry and breaker policies. */
export interface AttemptResult {
  readonly status: number
  readonly headers: ResponseHeaders
  readonly body: Buffer
}

/** A class, so text() and json() live on the prototype instead of two closures per answer. */
export class DispatchedResponse implements DispatchResponse {
  readonly status: number
  readonly headers: ResponseHeaders
  readonly body: Buffer

  constructor (
    res: AttemptResult,
    readonly attempts: number,
    readonly queuedMs: number,
    readonly fromCache: boolean,
    readonly durationMs: number
  ) {
    this.status = res.status
    this.headers = res.headers
    this.body = res.body
  }

  text (): string { return this.body.toString('utf8') }
  json<T = unknown> (): T { return JSON.parse(this.body.toString('utf8')) as T }
}
