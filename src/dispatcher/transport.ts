// The innermost step: one attempt on the supplier's undici Pool, body fully read so that the
// per-attempt timeout covers the whole answer and a retried attempt never leaks a socket.
//
// It drives the Pool with a dispatch handler rather than `pool.request`: the answer is buffered
// anyway, so the Readable body stream, its async resource and `arrayBuffer()` copy are pure
// cost, and a body that came in one chunk is kept as that chunk.
//
// The handler uses undici's deprecated raw-header API (onConnect/onHeaders/…), as the gateway's
// forward.ts does, so the two move together: undici 7's client still speaks it internally and
// wraps a controller-API handler per request (a wrapper and a controller per call). A move to the
// controller API means onRequestStart(controller) for onConnect (abort through controller.abort),
// onResponseStart(controller, status, headers) for onHeaders (1xx heads included; the headers come
// parsed, which this file does anyway), and onResponseData/End/Error; the answer is buffered, so no
// pause/resume is involved. Make it when undici's core speaks the new API natively or drops the old.

import { Pool, util } from 'undici'
import type { Dispatcher } from 'undici'
import { AbortedError, ResponseTooLargeError } from '../errors.js'
import { attemptError } from './attempt-error.js'
import type { AttemptResult, ResponseHeaders } from './response.js'

export interface TransportRequest {
  method: string
  /** Path with query string, base path of the supplier already prefixed. */
  path: string
  headers: Record<string, string>
  body: Buffer | string | undefined
  signal: AbortSignal
  /**
   * Asks to be told when the attempt is cut (time up, the call cut) instead of listening on
   * `signal`, which then is never made (attempt.ts says why). False: not available, use `signal`.
   */
  watch? (w: CutWatcher): boolean
}

/** Told, once, that an attempt was cut, and why. */
export interface CutWatcher {
  attemptCut (reason: unknown): void
}

export interface SupplierTransport {
  request (req: TransportRequest): Promise<AttemptResult>
  /** Waits for in-flight requests, then closes connections. */
  close (): Promise<void>
  destroy (): Promise<void>
}

/**
 * What a transport is told of its supplier: a subset of options.ts's SupplierConfig, declared here
 * so that the options (which accept a Transport) and the transport do not import each other.
 */
export interface TransportSupplier {
  readonly name: string
  readonly origin: string
  readonly maxConcurrent: number
  readonly connectTimeoutMs: number
  /** Largest answer body read into memory. */
  readonly maxResponseBytes: number
}

export type Transport = (supplier: TransportSupplier) => SupplierTransport

/** One buffered exchange; it is its own cut watcher or abort listener, so an attempt costs no closure. */
class BufferedExchange implements Dispatcher.DispatchHandler, CutWatcher {
  readonly promise: Promise<AttemptResult>
  #resolve!: (res: AttemptResult) => void
  #reject!: (err: unknown) => void
  #abort: ((err?: Error) => void) | undefined
  #cut = false
  #reason: unknown
  #status = 0
  #headers: ResponseHeaders = {}
  #chunks: Buffer[] = []
  #bytes = 0
  #done = false
  #signal: AbortSignal | undefined
  readonly #cfg: TransportSupplier

  constructor (cfg: TransportSupplier) {
    this.#cfg = cfg
    this.promise = new Promise<AttemptResult>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  follow (req: TransportRequest): void {
    if (req.watch?.(this) === true) return
    const signal = this.#signal = req.signal
    if (signal.aborted) this.attemptCut(signal.reason)
    else signal.addEventListener('abort', this, { once: true })
  }

  handleEvent (): void {
    this.attemptCut(this.#signal!.reason)
  }

  attemptCut (reason: unknown): void {
    if (this.#done || this.#cut) return
    this.#cut = true
    this.#reason = reason
    this.#abort?.(reason as Error)
  }

  onConnect (abort: (err?: Error) => void): void {
    if (this.#cut) abort(this.#reason as Error)
    else this.#abort = abort
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx answers are informational; the final head follows.
    if (statusCode < 200) return true
    this.#status = statusCode
    const headers = this.#headers = util.parseHeaders(rawHeaders) as ResponseHeaders
    // A declared length over the limit is refused before a byte of the body is read.
    const length = Number(headers['content-length'])
    if (length > this.#cfg.maxResponseBytes) this.#tooLarge()
    return true
  }

  onData (chunk: Buffer): boolean {
    this.#bytes += chunk.length
    if (this.#bytes > this.#cfg.maxResponseBytes) {
      this.#tooLarge()
      return false
    }
    this.#chunks.push(chunk)
    return true
  }

  /** The answer is over maxResponseSize: stop reading (undici closes the connection) and say so. */
  #tooLarge (): void {
    if (this.#cut) return
    this.#chunks = []
    this.attemptCut(new ResponseTooLargeError(this.#cfg.origin, this.#cfg.maxResponseBytes))
  }

  onComplete (): void {
    const chunks = this.#chunks
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    this.#settle()
    this.#resolve({ status: this.#status, headers: this.#headers, body })
  }

  onError (err: Error): void {
    this.#settle()
    if (this.#cut) this.#reject(this.#reason ?? new AbortedError())
    else this.#reject(attemptError(err, this.#cfg))
  }

  #settle (): void {
    this.#done = true
    this.#signal?.removeEventListener('abort', this)
    this.#signal = undefined
  }
}

export const undiciTransport: Transport = (cfg) => {
  const pool = new Pool(cfg.origin, {
    connections: cfg.maxConcurrent,
    connectTimeout: cfg.connectTimeoutMs,
    keepAliveTimeout: 30_000,
    // The timeout policy owns the request deadline; undici's own timers only back it up.
    headersTimeout: 0,
    bodyTimeout: 0,
  })
  return {
    request (req) {
      const exchange = new BufferedExchange(cfg)
      exchange.follow(req)
      try {
        const method = req.method as Dispatcher.HttpMethod
        pool.dispatch({ method, path: req.path, headers: req.headers, body: req.body }, exchange)
      } catch (err) {
        exchange.onError(err as Error)
      }
      return exchange.promise
    },
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  }
}
