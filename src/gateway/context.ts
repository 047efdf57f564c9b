// The one per-request object (the Exchange of contract.ts). Every stage reads and writes it; the
// router and the balancer read it directly (it is shaped as their input), so a request allocates
// no extra view objects.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Clock } from '../core/clock.js'
import type { TLSSocket } from 'node:tls'
import type { InvalidPathError } from '../errors.js'
import { AbortedError } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import type { CidrMatcher } from './cidr.js'
import { resolveClientIp } from './client-ip.js'
import type { Consumer, Exchange, Flag, RequestTrace, Slot, Stage } from './contract.js'
import { scanRequestHeaders } from './headers.js'
import { resolveRequestId } from './request-id.js'
import type { CompiledRoute } from './route.js'
import { normalizePath } from './router/normalize-path.js'

// Shared empty defaults: most requests never set a flag and most routes have no params, so the
// Context does not allocate them up front.
const NO_FLAGS: readonly Flag[] = Object.freeze([])
const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>
const NO_STAGES: readonly Stage[] = Object.freeze([])
const TRUST_NONE: CidrMatcher = () => false

export class Context implements Exchange {
  readonly id: string
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly clock: Clock
  readonly log: Logger
  /** clock.now() when the request arrived. */
  readonly start: number
  readonly method: string
  /**
   * Path without the query, normalised on arrival (router/normalize-path.ts): what routes match
   * and what the upstream receives. The raw path when it was refused.
   */
  readonly path: string
  /** Why the path was refused (the server answers 400 before routing), or undefined. */
  readonly pathError: InvalidPathError | undefined = undefined
  /** Query string without `?`, possibly empty; a request transform may replace it (contract.ts). */
  query: string
  readonly host: string | undefined
  /** Headers to send upstream, flat; hop-by-hop already removed. Stages may push more. */
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
  /** The request body a stage read in full (contract.ts); the upstream sends it when set. */
  body: Buffer | undefined = undefined
  /** Response flags so far, in the order they were raised (read-only; add with `flag`). */
  flags: readonly Flag[] = NO_FLAGS
  route: CompiledRoute | undefined = undefined
  params: Record<string, string> = NO_PARAMS
  /** Origin of the target that answered (or was tried last). */
  target: string | undefined = undefined
  attempts = 0
  trace: RequestTrace | undefined = undefined
  /** Final status sent downstream; 0 until the head is written. */
  status = 0
  /** Set by cookie affinity when the response must carry this Set-Cookie value. */
  setCookie: string | undefined = undefined
  /** True when the gateway itself cut the response short (not the client). */
  cut = false
  /** The upstream exchange in progress, cancelled if the client goes away. */
  upstreamRequest: { abort (reason?: Error): void } | undefined = undefined
  /** Pipeline bookkeeping (pipeline.ts): the stages this request runs and how many have started. */
  stages: readonly Stage[] = NO_STAGES
  stagesRan = 0
  consumer: Consumer | undefined = undefined
  responseHeaders: string[] | undefined = undefined
  #abort: AbortController | undefined = undefined
  #gone = false
  readonly #trusted: CidrMatcher
  #clientIp: string | undefined = undefined
  #state: unknown[] | undefined = undefined

  /** `trusted`: the compiled server.trustedProxies, for clientIp; by default no peer is trusted. */
  constructor (
    req: IncomingMessage, res: ServerResponse, clock: Clock, log: Logger, trusted: CidrMatcher = TRUST_NONE
  ) {
    this.req = req
    this.res = res
    this.clock = clock
    this.log = log
    this.start = clock.now()
    this.method = req.method ?? 'GET'
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const raw = q === -1 ? url : url.slice(0, q)
    try {
      this.path = normalizePath(raw)
    } catch (err) {
      this.path = raw
      this.pathError = err as InvalidPathError
    }
    this.query = q === -1 ? '' : url.slice(q + 1)
    const scan = scanRequestHeaders(req.rawHeaders)
    this.host = scan.host
    this.upstreamHeaders = scan.headers
    this.forwardedFor = scan.forwardedFor
    this.forwardedProto = scan.forwardedProto
    this.forwardedHost = scan.forwardedHost
    this.forwarded = scan.forwarded
    this.addressClaims = scan.addressClaims
    this.hasBody = scan.hasBody
    this.contentLength = scan.contentLength
    this.id = resolveRequestId(scan.requestId)
    this.#trusted = trusted
  }

  /** Parsed lazily by node:http; only routes with header conditions or hash-on-header pay for it. */
  get headers (): IncomingHttpHeaders { return this.req.headers }

  get remoteAddress (): string { return this.req.socket.remoteAddress ?? '' }

  /** The client's address: the peer, or behind trusted proxies the rightmost untrusted XFF entry. */
  get clientIp (): string {
    return (this.#clientIp ??= resolveClientIp(this.remoteAddress, this.forwardedFor, this.#trusted))
  }

  /** The client reached the gateway over https: TLS here, or X-Forwarded-Proto from a trusted proxy. */
  get secure (): boolean {
    if (this.forwardedProto !== undefined && this.#trusted(this.remoteAddress)) {
      return this.forwardedProto.trimStart().slice(0, 5).toLowerCase() === 'https'
    }
    return (this.req.socket as TLSSocket).encrypted === true
  }

  /** Aborts when the client goes away before the response is complete. Created on first use. */
  get signal (): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController()
      // Read for the first time after the client left (a retry's backoff): born aborted.
      if (this.#gone) this.#abort.abort(new AbortedError('Client closed the connection'))
    }
    return this.#abort.signal
  }

  /** Called by the server when the downstream connection closed early. */
  abort (): void {
    this.#gone = true
    // A reason of ours, so whatever the signal cuts (an attempt, a backoff) ends as SLC_ABORTED.
    this.#abort?.abort(new AbortedError('Client closed the connection'))
    this.upstreamRequest?.abort()
  }

  flag (f: Flag): void {
    if (!this.flags.includes(f)) this.flags = [...this.flags, f]
  }

  addResponseHeader (name: string, value: string): void {
    (this.responseHeaders ??= []).push(name, value)
  }

  get<T> (slot: Slot<T>): T | undefined {
    return this.#state?.[slot.index] as T | undefined
  }

  set<T> (slot: Slot<T>, value: T): void {
    (this.#state ??= [])[slot.index] = value
  }
}
