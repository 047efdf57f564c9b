// What `dispatcher.request()` resolves with: the supplier's answer, fully buffered, plus how the
// dispatcher got it (attempts, time queued, cache).

import type { IncomingHttpHeaders } from 'node:http'
import { inspect } from 'node:util'
import type { InspectOptionsStylized } from 'node:util'

/** Response headers by lower-case name, as Node parses them (`set-cookie` is a list). */
export type ResponseHeaders = IncomingHttpHeaders

/**
 * A supplier's answer, its body fully read, whatever its status; `console.log` shows status, headers
 * and body as text.
 */
export interface DispatchResponse {
  /** HTTP status of the answer. */
  readonly status: number
  /** Response headers. */
  readonly headers: ResponseHeaders
  /** The whole body (at most the supplier's `maxResponseSize`). */
  readonly body: Buffer
  /** Attempts sent to the supplier for this answer (0 when it came from the cache). */
  readonly attempts: number
  /** From `request()` to the answer, retries and queueing included. */
  readonly durationMs: number
  /** Time spent waiting for admission (token + slot), summed over attempts. */
  readonly queuedMs: number
  /** True when the answer was served from the cache or shared with an identical in-flight GET. */
  readonly fromCache: boolean
  /** The body decoded as UTF-8. */
  text (): string
  /** The body parsed as JSON (throws a SyntaxError when it is not). */
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

  /** `console.log(response)`: what the caller asked for (status, headers, body as text), not a Buffer dump. */
  [inspect.custom] (depth: number, options: InspectOptionsStylized): string {
    if (depth < 0) return options.stylize('[DispatchResponse]', 'special')
    const shown = {
      status: this.status,
      headers: this.headers,
      body: new BodyPreview(this.body),
      attempts: this.attempts,
      durationMs: this.durationMs,
      queuedMs: this.queuedMs,
      fromCache: this.fromCache,
    }
    return `DispatchResponse ${inspect(shown, { ...options, depth: options.depth == null ? options.depth : options.depth - 1 })}`
  }
}

/** Text up to PREVIEW characters, cut with the count of bytes left out; bytes when it is not text. */
const PREVIEW = 1000

class BodyPreview {
  constructor (readonly body: Buffer) {}

  [inspect.custom] (_depth: number, options: InspectOptionsStylized): string {
    const head = this.body.subarray(0, PREVIEW * 4)
    let text: string | undefined
    try {
      // `stream` keeps a character cut at the end of `head` from reading as invalid.
      text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length < this.body.length })
    } catch {
      text = undefined
    }
    // eslint-disable-next-line no-control-regex -- control bytes are what tell binary from text
    if (text === undefined || /[\x00-\x08\x0e-\x1f]/.test(text)) {
      const hex = [...this.body.subarray(0, 32)].map(b => b.toString(16).padStart(2, '0')).join(' ')
      return options.stylize(`<${this.body.length} bytes: ${hex}${this.body.length > 32 ? ' ...' : ''}>`, 'special')
    }
    const shown = text.slice(0, PREVIEW)
    const more = this.body.length - Buffer.byteLength(shown)
    return options.stylize(inspect(shown), 'string') + (more > 0 ? `... ${more} more bytes` : '')
  }
}
