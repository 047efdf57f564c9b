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

/**
 * A class, so text() and json() live on the prototype instead of two closures per answer. It keeps
 * the attempt's answer rather than copying its fields, and is also the call's outcome record (the
 * dispatcher's `finish` reads `res`/`err`): one object per answer.
 */
export class DispatchedResponse implements DispatchResponse {
  constructor (
    readonly res: AttemptResult,
    readonly attempts: number,
    readonly queuedMs: number,
    readonly fromCache: boolean,
    readonly durationMs: number
  ) {}

  get status (): number { return this.res.status }
  get headers (): ResponseHeaders { return this.res.headers }
  get body (): Buffer { return this.res.body }
  get err (): undefined { return undefined }

  text (): string { return this.res.body.toString('utf8') }
  json<T = unknown> (): T { return JSON.parse(this.res.body.toString('utf8')) as T }
}
