// The gateway's spans (docs/tracing.md): one SERVER span per request, one CLIENT span per upstream
// attempt (a retry is a sibling attempt under the same server span), with the attributes of the
// OpenTelemetry HTTP semantic conventions. `http.route` is the route's name: Sluice routes have
// names, and a name is as low-cardinality as a template.
//
// The client's traceparent/tracestate are the server span's parent. Each attempt sends its own
// traceparent, naming its client span as the parent — also when the trace is not sampled (the
// span is then a non-recording one with the flags 00), so the upstream's spans join the trace.
// Loaded with a dynamic import only when `tracing` is configured.

import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Span, TextMapSetter } from '@opentelemetry/api'
import {
  ATTR_CLIENT_ADDRESS, ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL,
  ATTR_URL_PATH, ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions'
import type { TracingConfig } from '../../config/schema/tracing.js'
import type { AttemptTrace, Exchange, RequestTrace, RequestTracer } from '../../gateway/contract.js'
import { errorType } from './error-type.js'
import { createTracing } from './provider.js'
import type { Tracing, TracingOptions } from './provider.js'

const flatSetter: TextMapSetter<string[]> = {
  set (carrier, key, value) { carrier.push(key, value) },
}

export function createGatewayTracer (config: TracingConfig, options: TracingOptions): RequestTracer {
  const tracing = createTracing(config, options)
  return {
    start: (ctx) => new ServerTrace(tracing, ctx),
    shutdown: () => tracing.shutdown(),
  }
}

class ServerTrace implements RequestTrace {
  readonly #tracing: Tracing
  readonly #span: Span
  #error: string | undefined = undefined

  constructor (tracing: Tracing, ctx: Exchange) {
    this.#tracing = tracing
    const parent = tracing.propagator.extract(ROOT_CONTEXT, ctx.req.headers, defaultTextMapGetter)
    const secure = ctx.secure
    this.#span = tracing.tracer.startSpan(ctx.method, {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: ctx.method,
        [ATTR_URL_PATH]: ctx.path,
        [ATTR_URL_SCHEME]: secure ? 'https' : 'http',
        [ATTR_SERVER_ADDRESS]: hostOnly(ctx.host),
        [ATTR_CLIENT_ADDRESS]: ctx.clientIp,
      },
    }, parent)
  }

  get traceId (): string { return this.#span.spanContext().traceId }

  attempt (ctx: Exchange, target: string): AttemptTrace {
    const url = new URL(target)
    const span = this.#tracing.tracer.startSpan(ctx.method, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: ctx.method,
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
        [ATTR_URL_FULL]: url.origin + ctx.path,
        // attempts counts the ones sent before this one.
        ...(ctx.attempts > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: ctx.attempts } : {}),
      },
    }, trace.setSpan(ROOT_CONTEXT, this.#span))
    const headers: string[] = []
    this.#tracing.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, flatSetter)
    return new ClientTrace(span, headers)
  }

  error (err: unknown): void {
    this.#error = errorType(err)
  }

  end (ctx: Exchange, status: number): void {
    const span = this.#span
    const route = ctx.route?.name
    if (route !== undefined) {
      span.updateName(`${ctx.method} ${route}`)
      span.setAttribute(ATTR_HTTP_ROUTE, route)
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
    if (status >= 500) {
      // Semconv: a server span is an error only for 5xx. error.type: the cause when an error made
      // the reply (ECONNREFUSED, SLC_UPSTREAM_TIMEOUT), else the status.
      span.setAttribute(ATTR_ERROR_TYPE, this.#error ?? String(status))
      span.setStatus({ code: SpanStatusCode.ERROR })
    }
    span.end()
  }
}

class ClientTrace implements AttemptTrace {
  readonly headers: readonly string[]
  readonly #span: Span

  constructor (span: Span, headers: string[]) {
    this.#span = span
    this.headers = headers
  }

  end (status: number | undefined, err?: unknown): void {
    const span = this.#span
    if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
    if (err !== undefined || (status !== undefined && status >= 400)) {
      span.setAttribute(ATTR_ERROR_TYPE, err !== undefined ? errorType(err) : String(status))
      span.setStatus({ code: SpanStatusCode.ERROR })
    }
    span.end()
  }
}

/** `Host` without its port (server.address is the name; the port would be server.port). */
function hostOnly (host: string | undefined): string {
  if (host === undefined) return ''
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1)
  const colon = host.indexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}
