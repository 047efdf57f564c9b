// The data-plane listener: node:http in, Context per request, router → stages → upstream, head
// out, then metrics and the access log on 'close'. Graceful drain stops accepting, lets in-flight
// requests finish (answering them with Connection: close), and cuts what is left at the deadline.

import { createServer as createHttpServer, ServerResponse } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Clock } from '../core/clock.js'
import { MethodNotAllowedError, RouteNotFoundError } from '../errors.js'
import type { AccessLog } from '../observability/access-log.js'
import { createFailureLog } from '../observability/failure-log.js'
import type { Logger } from '../observability/logger.js'
import type { Metrics } from '../observability/metrics.js'
import { createClientErrorHandler, createConnectHandler, OpenResponses } from './client-error.js'
import { watchBody } from './body-watch.js'
import { ConnectionGuard } from './connection-guard.js'
import type { Guarded } from './connection-guard.js'
import { Context } from './context.js'
import type { Exchange, RequestTracer, ResponseHead } from './contract.js'
import { createRunner } from './pipeline.js'
import { checkPrelude, SERVER_OPTIONS } from './prelude.js'
import { send, toReply } from './reply.js'
import { RouteMetrics } from './route.js'
import type { LiveSnapshot } from './snapshot.js'

export interface ServerOptions {
  host: string
  port: number
  keepAliveTimeoutMs: number
  maxHeaderSize: number
  /** More header lines than this are answered 431 (node:http would silently drop the excess). */
  maxHeaderCount: number
  maxConnections: number
  /** Client-side timeouts (docs/timeouts.md); 0 turns body and idle off. */
  headersTimeoutMs: number
  bodyTimeoutMs: number
  idleTimeoutMs: number
}

export interface ServerDeps {
  clock: Clock
  logger: Logger
  metrics: Metrics
  /** The snapshot new requests start on. */
  current: () => LiveSnapshot
  /** The access log, or undefined when it is off. Read per request, so a reload can toggle it. */
  accessLog: () => AccessLog | undefined
  /** Opens each request's trace; undefined when tracing is off. */
  tracer?: RequestTracer
}

export interface GatewayServer {
  listen (): Promise<{ host: string, port: number }>
  /** Stops accepting, waits for in-flight requests up to `timeoutMs`, then cuts the rest. */
  drain (timeoutMs: number): Promise<void>
  readonly listening: boolean
  readonly draining: boolean
  /** Requests being handled now. */
  readonly inFlight: number
}

const kReadMark = Symbol('sluice.bytesReadMark')
const kWriteMark = Symbol('sluice.bytesWrittenMark')
type CountedSocket = Socket & { [kReadMark]?: number, [kWriteMark]?: number }

class SluiceResponse extends ServerResponse implements Guarded {
  ctx: Context | undefined = undefined
  live: LiveSnapshot | undefined = undefined
  sock: Socket | undefined = undefined
  bytesReadAtStart = 0
  bytesWrittenAtStart = 0
  /** For the access log, taken on arrival: once the connection is gone its peer address may be too. */
  clientIp = ''
  /** The server's end-of-exchange handler: run once, on the response's 'close' or by the guard. */
  onEnd: ((this: SluiceResponse) => void) | undefined = undefined
  ended = false

  get awaitingHead (): boolean { return this.ctx!.status === 0 }

  clientGone (): void { this.onEnd?.() }
}

export function createServer (options: ServerOptions, deps: ServerDeps): GatewayServer {
  const { clock, logger, metrics } = deps
  const noRoute = new RouteMetrics('', metrics)
  const inFlightGauge = metrics.httpInFlight
  let inFlight = 0
  let draining = false
  let listening = false
  const open = new OpenResponses()

  const server: Server = createHttpServer({
    ServerResponse: SluiceResponse as unknown as typeof ServerResponse,
    maxHeaderSize: options.maxHeaderSize,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // Bodies stream for as long as they keep moving (idle timeouts cut stalls); a whole-request
    // deadline would cut large uploads. Node derives headersTimeout from requestTimeout (0 turns it
    // off), so the head's own budget must be set explicitly.
    requestTimeout: 0,
    headersTimeout: options.headersTimeoutMs,
    // How often Node checks the head budget: the timeout fires up to this late.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(options.headersTimeoutMs / 4))),
    // Missing Host gets the gateway's JSON 400 (prelude.ts), not node:http's bare one.
    requireHostHeader: false,
  }, onRequest)
  server.keepAliveTimeout = options.keepAliveTimeoutMs
  // req.headers then holds every line the prelude's count admitted.
  server.maxHeadersCount = options.maxHeaderCount
  // A client that half-closes after its request still gets the answer (RFC 9112 §9.6 lets it).
  // node:http otherwise aborts the request on the client's FIN. Undocumented but long-standing;
  // the half-close test in test/e2e/http-conformance.test.ts fails should it ever change.
  ;(server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
  const guard = new ConnectionGuard(server, { maxConnections: options.maxConnections, idleMs: options.idleTimeoutMs })
  const failureLog = createFailureLog(logger, clock)
  const runner = createRunner(finish, (ctx, err) => {
    ctx.trace?.error(err)
    const route = ctx.route
    failureLog(err, {
      reqId: ctx.id, route: route?.name, upstream: route?.upstream.name, target: ctx.target, attempt: ctx.attempts,
    })
  })

  function onRequest (req: IncomingMessage, response: ServerResponse): void {
    const res = response as SluiceResponse
    // Before the Context: an absolute-form target is rewritten to the origin-form that is routed.
    const prelude = checkPrelude(req, options.maxHeaderCount)
    const live = deps.current()
    live.enter()
    inFlight++
    inFlightGauge.inc()
    const ctx = new Context(req, res, clock, logger, live.snapshot.trusted)
    if (deps.tracer !== undefined) ctx.trace = deps.tracer.start(ctx)
    res.ctx = ctx
    res.live = live
    res.sock = req.socket
    res.onEnd = onClose
    guard.enter(req.socket, res)
    if (deps.accessLog() !== undefined) {
      // The request's own bytes (head, and often a small body) were read before 'request' fired, so
      // count from where the previous response on this socket left off, as nginx's request_length does.
      // Nothing is written between two responses, so the previous one's end saves a getter call
      // (bytesWritten copies the socket's write queue).
      res.bytesReadAtStart = (req.socket as CountedSocket)[kReadMark] ?? 0
      res.bytesWrittenAtStart = (req.socket as CountedSocket)[kWriteMark] ?? req.socket.bytesWritten
      res.clientIp = ctx.clientIp
    }
    open.begin(req.socket)
    res.on('close', onClose)
    if (ctx.hasBody && !req.complete && options.bodyTimeoutMs > 0) watchBody(ctx, options.bodyTimeoutMs)
    try {
      if (prelude !== undefined) {
        if (prelude === SERVER_OPTIONS) {
          finish(ctx, { status: 200, headers: ['content-length', '0'] })
        } else {
          res.shouldKeepAlive = false
          finish(ctx, toReply(prelude, ctx))
        }
        return
      }
      if (ctx.pathError !== undefined) throw ctx.pathError
      const m = live.snapshot.router.match(ctx)
      if (m === undefined) {
        ctx.flag('NR')
        const allow = live.snapshot.router.allowedMethods(ctx)
        finish(ctx, toReply(allow === undefined ? new RouteNotFoundError() : new MethodNotAllowedError(allow), ctx))
        return
      }
      const route = m.route.payload
      ctx.route = route
      ctx.params = m.params
      runner.run(route.stages, ctx, route.upstream)
    } catch (err) {
      finish(ctx, toReply(err, ctx))
    }
  }

  function finish (ctx: Exchange, head: ResponseHead): void {
    if (draining) ctx.res.shouldKeepAlive = false
    // A local reply sent before the client finished uploading must close the connection, or
    // node:http would read (and discard) the rest of a possibly huge body to reuse the socket.
    else if (head.stream === undefined && !ctx.req.complete && ctx.hasBody) ctx.res.shouldKeepAlive = false
    try {
      send(ctx, head)
    } catch (err) {
      ctx.log.error({ err, reqId: ctx.id }, 'could not write the response')
      head.stream?.abort()
      ctx.res.destroy()
    }
  }

  function onClose (this: SluiceResponse): void {
    if (this.ended) return
    this.ended = true
    guard.leave(this.sock!, this)
    const ctx = this.ctx!
    open.end(ctx.req.socket)
    if (!this.writableFinished && !ctx.cut) {
      ctx.flag('DC')
      ctx.abort()
    }
    runner.end(ctx)
    // 499 (client closed request) where no head went out, as nginx logs it.
    const status = ctx.status === 0 ? 499 : ctx.status
    const ms = clock.now() - ctx.start
    const rm = ctx.route?.metrics ?? noRoute
    rm.count(ctx.method, status)
    rm.duration.observe(ms / 1000)
    inFlight--
    inFlightGauge.dec()
    ctx.trace?.end(ctx, status)
    const log = deps.accessLog()
    const socket = this.sock!
    if (log !== undefined) {
      const written = socket.bytesWritten
      log({
        id: ctx.id,
        method: ctx.method,
        path: ctx.path,
        route: ctx.route?.name,
        upstream: ctx.route?.upstream.name,
        target: ctx.target,
        status,
        durationMs: ms,
        bytesIn: socket.bytesRead - this.bytesReadAtStart,
        bytesOut: written - this.bytesWrittenAtStart,
        flags: ctx.flags,
        clientIp: this.clientIp,
        consumer: ctx.consumer?.id,
        traceId: ctx.trace?.traceId,
      })
      ;(socket as CountedSocket)[kReadMark] = socket.bytesRead
      ;(socket as CountedSocket)[kWriteMark] = written
    } else if ((socket as CountedSocket)[kReadMark] !== undefined) {
      // A reload turned the log off: marks left here would be stale if it is turned on again.
      (socket as CountedSocket)[kReadMark] = (socket as CountedSocket)[kWriteMark] = undefined
    }
    this.live!.leave()
    if (draining) setImmediate(() => server.closeIdleConnections())
  }

  server.on('clientError', createClientErrorHandler(open, logger))
  server.on('connect', createConnectHandler(open, logger))

  return {
    listen () {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(options.port, options.host, () => {
          server.off('error', reject)
          listening = true
          const addr = server.address()
          const port = typeof addr === 'object' && addr !== null ? addr.port : options.port
          resolve({ host: options.host, port })
        })
      })
    },
    drain (timeoutMs) {
      draining = true
      if (!listening) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const deadline = clock.setTimeout(() => {
          server.closeAllConnections()
          guard.destroyAll()
        }, timeoutMs)
        server.close(() => {
          deadline.cancel()
          listening = false
          resolve()
        })
        server.closeIdleConnections()
      })
    },
    get listening () { return listening },
    get draining () { return draining },
    get inFlight () { return inFlight },
  }
}
