// The gateway's contracts, types only: what a stage sees of a request, what it may answer with,
// what the terminal (the upstream call) receives and how it answers. Implementations import from
// here and never from each other for these shapes, which keeps the gateway folder free of import
// cycles: context.ts implements Exchange, pipeline.ts runs Stages, upstream/ implements Terminal
// and BodySource, route.ts extends RouteInfo.
//
// Two views of one per-request object:
//   RequestContext  what stages read and write (request facts, headers to send upstream, flags)
//   Exchange        RequestContext plus the bookkeeping the runner, the terminal and the reply
//                   writer keep on it (route, target, status, the stages run so far)

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Writable } from 'node:stream'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../observability/logger.js'
import type { PathRewrite } from './router/rewrite.js'

/**
 * Why a response looks the way it does (Envoy response flags), for the access log:
 * NR no route, UT upstream response timeout, SI upstream body idle timeout, UF upstream connect
 * failure, UR upstream reset, UP upstream protocol error (invalid response), UH no available target,
 * DC downstream closed early, PL payload too large, LR local reply by a stage, UO upstream overflow
 * (the upstream's `limits` turned the request away, as Envoy's), CO circuit open (the upstream's
 * breaker turned it away; Envoy's breakers are limits, so this one is ours), RT retried (at least
 * one more attempt was sent; the other flags may come from any attempt).
 * docs/architecture.md shows where in the lifecycle each one is raised.
 */
export type Flag = 'NR' | 'UT' | 'SI' | 'UF' | 'UR' | 'UP' | 'UH' | 'DC' | 'PL' | 'LR' | 'UO' | 'CO' | 'RT'

/** An upstream response body still to be streamed, owned by the upstream call that produced it. */
export interface BodySource {
  /**
   * Streams the rest of the body into `res` (head already written), with backpressure. `res` is
   * the client's response, or a stage's writable standing in for it (a response body transform).
   */
  start (res: Writable): void
  /** Drops the body and releases the upstream request (used when the head can't be sent). */
  abort (): void
}

export interface ResponseHead {
  status: number
  /**
   * Flat [name, value, …]; names keep their case. Edit with the helpers in headers.ts. The array
   * belongs to this one response and is edited in place on the way out; the runner copies the head
   * a stage answers with, so a stage may return one shared constant head.
   */
  headers: string[]
  /** A small local body (errors, stage replies). */
  body?: string | Buffer
  /** An upstream body, streamed after the head is written. */
  stream?: BodySource
}

/** A request stage's result: a head answers locally and stops the request side; undefined goes on. */
export type Verdict = ResponseHead | undefined

/** What the upstream call needs to know of the route a request matched; compiled once per snapshot. */
export interface RouteInfo {
  readonly name: string
  readonly upstream: { readonly name: string }
  readonly rewrite: PathRewrite | undefined
  readonly preserveHost: boolean
  /** Bytes; undefined = unlimited. */
  readonly maxBodySize: number | undefined
}

/** Who is calling, as established by an authentication stage. */
export interface Consumer {
  readonly id: string
  /** The consumer's plan (rate-limit tier), when it has one. */
  readonly plan: string | undefined
  readonly scopes: readonly string[]
  readonly roles: readonly string[]
  /** Verified token claims (JWT) or the key's metadata; empty when there are none. */
  readonly claims: Readonly<Record<string, unknown>>
  /** The authentication method that established it. */
  readonly via: 'jwt' | 'apiKey'
}

/**
 * A typed per-request state slot (Envoy's filter state): a stage factory takes one from
 * `StageDeps.slots` once per snapshot, then reads and writes its value on each request with
 * `ctx.get(slot)` / `ctx.set(slot, value)`. A slot is an index into one small array per request,
 * allocated on the first `set`, so requests whose stages keep no state pay nothing.
 */
export interface Slot<T> {
  readonly index: number
  /** For logs and debugging: the stage (and purpose) that owns the slot. */
  readonly name: string
  /** Type carrier only; never set. */
  readonly type?: (value: T) => T
}

/** The request as stages see it. */
export interface RequestContext {
  readonly id: string
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly clock: Clock
  readonly log: Logger
  /** clock.now() when the request arrived. */
  readonly start: number
  readonly method: string
  /** Path without the query, normalised on arrival (docs/paths.md): what routes match and upstreams get. */
  readonly path: string
  /**
   * Query string without `?`, possibly empty: the client's, until a request stage replaces it with
   * the one the upstream gets (request transforms). Routing has already read it.
   */
  query: string
  readonly host: string | undefined
  /** Parsed lazily by node:http; reading it costs the parse. */
  readonly headers: IncomingHttpHeaders
  /** The socket peer's address. */
  readonly remoteAddress: string
  /**
   * The client's address: the socket peer, or when the peer is a trusted proxy the rightmost
   * X-Forwarded-For entry that is not (client-ip.ts). Resolved on first read.
   */
  readonly clientIp: string
  /** Set by the authentication stage; undefined for anonymous requests. */
  consumer: Consumer | undefined
  /** Status sent downstream; 0 until the head is written. */
  readonly status: number
  /** The client-facing scheme is https: TLS here, or X-Forwarded-Proto from a trusted proxy. */
  readonly secure: boolean
  /**
   * Headers to send upstream, flat; hop-by-hop already removed. Stages may push more in onRequest;
   * from then on it is the fixed base every attempt builds its own headers from (never changed).
   */
  readonly upstreamHeaders: string[]
  readonly forwardedFor: string | undefined
  readonly forwardedProto: string | undefined
  readonly forwardedHost: string | undefined
  /** RFC 7239 `Forwarded` as received; the forwarded stage decides whether it goes on. */
  readonly forwarded: string | undefined
  /** Address claims (X-Real-IP, CDN client-IP headers, …) held back until the peer proves trusted. */
  readonly addressClaims: readonly string[] | undefined
  readonly hasBody: boolean
  readonly contentLength: number | undefined
  /**
   * The whole request body, when a stage (a request body transform) or request buffering
   * (request-buffer.ts) read it before the upstream call: every attempt sends these bytes instead
   * of the client's stream. A stage that sets it also sets the upstream Content-Length.
   */
  body: Buffer | undefined
  readonly route: RouteInfo | undefined
  readonly params: Readonly<Record<string, string>>
  /** Aborts when the client goes away before the response is complete. */
  readonly signal: AbortSignal
  /** Response flags so far, in the order they were raised (add with `flag`). */
  readonly flags: readonly Flag[]
  flag (f: Flag): void
  /** Headers stages asked to add to the response, flat; undefined when none did. */
  readonly responseHeaders: readonly string[] | undefined
  /** Adds a header to whatever response this request gets (upstream, local reply or error). */
  addResponseHeader (name: string, value: string): void
  get<T> (slot: Slot<T>): T | undefined
  set<T> (slot: Slot<T>, value: T): void
}

/** The gateway's own view of a request: the stage view plus what the runner, terminal and reply keep. */
export interface Exchange extends RequestContext {
  route: RouteInfo | undefined
  params: Record<string, string>
  /** Origin of the target that answered (or was tried last). */
  target: string | undefined
  /** Attempts sent to targets so far (each upstream/forward.ts counts itself). */
  attempts: number
  /** The request's trace when tracing is configured (observability/tracing/), else undefined. */
  trace: RequestTrace | undefined
  /** Final status sent downstream; 0 until the head is written. */
  status: number
  /** Set by cookie affinity when the response must carry this Set-Cookie value. */
  setCookie: string | undefined
  /** True when the gateway itself cut the response short (not the client). */
  cut: boolean
  /** The upstream exchange in progress, cancelled if the client goes away. */
  upstreamRequest: { abort (reason?: Error): void } | undefined
  /** Runner bookkeeping (pipeline.ts): the stages this request runs and how many have started. */
  stages: readonly Stage[]
  stagesRan: number
}

/**
 * A stage: built once per snapshot from its options (stages/index.ts), then called per request.
 * Only the stages whose onRequest started see the later hooks, in reverse order.
 */
export interface Stage {
  readonly name: string
  /** Runs in route order before the upstream call. Return a head to answer here and stop. */
  onRequest?(ctx: RequestContext): Verdict | Promise<Verdict>
  /**
   * Runs on the response head before it is written (fastify's onSend, Envoy's encodeHeaders):
   * the client has seen nothing yet, so headers and status may still change. Every head passes
   * here: the upstream's, a stage's local reply, an error. Must not throw (a throw is logged).
   */
  onResponseHead?(ctx: RequestContext, head: ResponseHead): void
  /**
   * Called once when the exchange is over: the response finished, was cut, or the client left.
   * `ctx.status` is the status sent (0 when no head went out). For quotas, passive health, spans.
   */
  onEnd?(ctx: RequestContext): void
}

/** Where a terminal sends its outcome: exactly one call per request, possibly synchronous. */
export interface Answer {
  head (ctx: Exchange, head: ResponseHead): void
  fail (ctx: Exchange, err: unknown): void
}

/** The terminal step every route has: the upstream call. */
export interface Terminal {
  call (ctx: Exchange, answer: Answer): void
}

/**
 * The tracing seam. The gateway calls it only when `tracing` is configured, so with tracing off a
 * request pays one undefined check; observability/tracing/gateway-tracer.ts implements it.
 */
export interface RequestTracer {
  /** Opens the request's server span (parent: the client's traceparent, if any). */
  start (ctx: Exchange): RequestTrace
  /** Sends the spans still queued. */
  shutdown (): Promise<void>
}

export interface RequestTrace {
  /** W3C trace id (32 hex digits), for the access log. */
  readonly traceId: string
  /** Opens the client span of one upstream attempt to `target` (an origin). */
  attempt (ctx: Exchange, target: string): AttemptTrace
  /** The error the request's reply is made from. */
  error (err: unknown): void
  /** Closes the server span once the exchange is over; `status` as the access log has it. */
  end (ctx: Exchange, status: number): void
}

export interface AttemptTrace {
  /** traceparent (and tracestate) for this attempt, flat: name, value, … */
  readonly headers: readonly string[]
  /** The attempt got a response head (`status`) or failed (`err`). */
  end (status: number | undefined, err?: unknown): void
}
