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

export interface ResponseInfo {
  attempts: number
  durationMs: number
  queuedMs: number
  fromCache: boolean
}

export function createResponse (raw: AttemptResult, info: ResponseInfo): DispatchResponse {
  return {
    status: raw.status,
    headers: raw.headers,
    body: raw.body,
    attempts: info.attempts,
    durationMs: info.durationMs,
    queuedMs: info.queuedMs,
    fromCache: info.fromCache,
    text () { return raw.body.toString('utf8') },
    json<T> () { return JSON.parse(raw.body.toString('utf8')) as T },
  }
}
