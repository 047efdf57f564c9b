// The dispatcher's spans (docs/tracing.md): an INTERNAL span per call, `dispatch <supplier>`, that
// records the time the call waited for admission (rate-limit token and concurrency slot), and a
// CLIENT span per attempt under it, with the HTTP semantic-convention attributes; retries are
// sibling attempts. Each attempt sends its own traceparent, sampled or not. Loaded with a dynamic
// import only when the dispatcher is made with `tracing`.

import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Context, Span, TextMapSetter } from '@opentelemetry/api'
import {
  ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_REQUEST_RESEND_COUNT, ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions'
import type { TracingConfig } from '../../config/schema/tracing.js'
import type { AttemptSpan, CallTrace, DispatchTracer } from '../../dispatcher/trace.js'
import { errorType } from './error-type.js'
import { createTracing } from './provider.js'
import type { Tracing, TracingOptions } from './provider.js'

/** Attributes of the call span (no semantic convention covers a client-side queue). */
export const ATTR_SUPPLIER = 'sluice.dispatcher.supplier'
export const ATTR_QUEUE_WAIT_MS = 'sluice.dispatcher.queue_wait_ms'
export const ATTR_ATTEMPTS = 'sluice.dispatcher.attempts'

const recordSetter: TextMapSetter<Record<string, string>> = {
  set (carrier, key, value) { carrier[key] = value },
}

/** Header names as the caller wrote them: the propagator reads lowercase keys. */
function lowerKeys (headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k in headers) out[k.toLowerCase()] = headers[k]!
  return out
}

export function createDispatchTracer (config: TracingConfig, options: TracingOptions): DispatchTracer {
  const tracing = createTracing(config, options)
  return {
    startCall: (supplier, origin, method, path, headers) => new Call(tracing, supplier, origin, method, path, headers),
    shutdown: () => tracing.shutdown(),
  }
}

class Call implements CallTrace {
  readonly #tracing: Tracing
  readonly #span: Span
  readonly #parent: Context
  readonly #url: URL
  readonly #method: string
  readonly #path: string
  readonly #headers: Record<string, string>

  constructor (
    tracing: Tracing, supplier: string, origin: string, method: string, path: string, headers: Record<string, string>
  ) {
    this.#tracing = tracing
    this.#url = new URL(origin)
    this.#method = method
    this.#path = path
    const parent = tracing.propagator.extract(ROOT_CONTEXT, lowerKeys(headers), defaultTextMapGetter)
    this.#span = tracing.tracer.startSpan(`dispatch ${supplier}`, {
      kind: SpanKind.INTERNAL,
      attributes: { [ATTR_SUPPLIER]: supplier, [ATTR_HTTP_REQUEST_METHOD]: method },
    }, parent)
    this.#parent = trace.setSpan(ROOT_CONTEXT, this.#span)
    // The caller's own trace headers give way to each attempt's.
    const own: Record<string, string> = {}
    for (const k in headers) {
      const lower = k.toLowerCase()
      if (lower !== 'traceparent' && lower !== 'tracestate') own[k] = headers[k]!
    }
    this.#headers = own
  }

  attempt (n: number): AttemptSpan {
    const url = this.#url
    const span = this.#tracing.tracer.startSpan(this.#method, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: this.#method,
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
        [ATTR_URL_FULL]: url.origin + this.#path.split('?')[0],
        ...(n > 1 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: n - 1 } : {}),
      },
    }, this.#parent)
    const headers = { ...this.#headers }
    this.#tracing.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, recordSetter)
    return {
      headers,
      end (status, err) {
        if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
        if (err !== undefined || (status !== undefined && status >= 400)) {
          span.setAttribute(ATTR_ERROR_TYPE, err !== undefined ? errorType(err) : String(status))
          span.setStatus({ code: SpanStatusCode.ERROR })
        }
        span.end()
      },
    }
  }

  end (answer: { status: number, attempts: number, queuedMs: number } | undefined, err?: unknown): void {
    const span = this.#span
    if (answer !== undefined) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, answer.status)
      span.setAttribute(ATTR_ATTEMPTS, answer.attempts)
      span.setAttribute(ATTR_QUEUE_WAIT_MS, answer.queuedMs)
      if (answer.status >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(answer.status))
        span.setStatus({ code: SpanStatusCode.ERROR })
      }
    } else {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(err))
      span.setStatus({ code: SpanStatusCode.ERROR })
    }
    span.end()
  }
}
