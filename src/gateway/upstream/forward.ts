// One attempt against one target: an undici dispatch handler that answers with the response head
// and then streams the body into the client's response with backpressure both ways (undici pauses
// the upstream socket while the client's socket is full). On the direct path the head is written
// from inside onHeaders, so nothing is buffered; behind a promise-based policy the chunks that
// arrive before the head is written are held, up to 64 KiB before the socket is paused: a small
// answer is read whole meanwhile, and goes out with its head in one write.
//
// The attempt is its own entry in one of the upstream's deadline queues: the response timeout costs
// no timer, closure or AbortController per request (see core/deadlines.ts). It sits in the response queue
// while it waits for a connection, in the upload queue while its body streams (each chunk sent
// restarts the idle budget, so an upload that keeps moving is never cut and one the upstream stops
// taking is), and in the response queue again, with the full budget, once the request is sent:
// the response timeout measures the upstream, not the client's upload.
//
// It uses undici's (deprecated but supported) raw-header handler API (onConnect/onHeaders/onData/
// onComplete/onError). undici 7's client still speaks it internally and wraps a controller-API
// handler to fit, which parses every response head into an object that a proxy would turn straight
// back into a list. Moving to the controller API (onRequestStart/onResponseStart/onResponseData/
// onResponseEnd/onResponseError) needs: abort via controller.abort instead of the onConnect
// callback; backpressure via controller.pause()/resume() instead of returning false and keeping
// `resume`; 1xx heads arriving in onResponseStart too; and the header list taken from
// controller.rawHeaders (not in undici's types) or rebuilt from the parsed object. Do it when
// undici's core speaks the new API natively or drops the old one (watch its major releases).

import type { Writable } from 'node:stream'
import type { Dispatcher } from 'undici'
import {
  AbortedError, BadGatewayError, PayloadTooLargeError, SluiceError, UpstreamTimeoutError,
} from '../../errors.js'
import { CONNECT_FAILURES } from '../../error-kinds.js'
import type { Answer, BodySource, Exchange } from '../contract.js'
import { filterResponseHeaders, removeHeader } from '../headers.js'
import { Deadlined } from '../../core/deadlines.js'
import type { DeadlineQueue } from '../../core/deadlines.js'
import { isInvalidResponse } from './failure.js'
import { forwardInformational } from './informational.js'
import type { Target } from './target.js'
import type { OutlierEjection } from './health/passive.js'

/** Body bytes held before the head is written (behind a promise-based policy) before pausing. */
const HOLD_BYTES = 64 * 1024

export class Forward extends Deadlined implements Dispatcher.DispatchHandler, BodySource {
  readonly #ctx: Exchange
  readonly #target: Target
  readonly #answer: Answer
  readonly #deadlines: DeadlineQueue
  readonly #uploads: DeadlineQueue
  /** The queue the attempt is in (or was in last). */
  #queue: DeadlineQueue
  readonly #upstream: string
  readonly #passive: OutlierEjection | undefined
  #abortDispatch: ((err?: Error) => void) | undefined = undefined
  #resume: (() => void) | undefined = undefined
  #res: Writable | undefined = undefined
  #pending: Buffer[] | undefined = undefined
  /** Bytes held in #pending, and whether holding them paused the upstream socket. */
  #held = 0
  #paused = false
  #cancelled: Error | undefined = undefined
  /** The answer (head or error) went out; at most once. */
  #answered = false
  #headed = false
  #complete = false
  #failed: Error | undefined = undefined
  #finished = false
  #drainHooked = false
  /** A 204 or 304: no content whatever its Content-Length says (RFC 9110 §15.3.5, §15.4.5). */
  #bodiless = false

  constructor (
    ctx: Exchange, target: Target, answer: Answer, deadlines: DeadlineQueue, uploads: DeadlineQueue, upstream: string,
    passive?: OutlierEjection
  ) {
    super()
    this.#ctx = ctx
    this.#target = target
    this.#answer = answer
    this.#deadlines = deadlines
    this.#uploads = uploads
    this.#queue = deadlines
    this.#upstream = upstream
    this.#passive = passive
    target.inFlight++
    ctx.target = target.id
    ctx.attempts++
    ctx.upstreamRequest = this
    deadlines.add(this)
  }

  /** The answer (head or error) went out: cancelling now only concerns the body (ctx.upstreamRequest). */
  get answered (): boolean { return this.#answered }

  /** Cancels the exchange: before the head it answers with `reason`; after it the client's response is cut. */
  abort (reason: Error = new AbortedError('Client closed the connection')): void {
    if (this.#finished) return
    this.#cancelled ??= reason
    if (this.#abortDispatch !== undefined) this.#abortDispatch(reason)
    // Still queued in the pool: answer now; onConnect aborts the dispatch when it gets that far.
    else this.#fail(reason)
  }

  /** EventTarget listener form, so an AbortSignal can cancel us without a closure. */
  handleEvent (event: Event): void {
    const reason: unknown = (event.target as AbortSignal).reason
    this.abort(reason instanceof Error ? reason : new AbortedError())
  }

  onDeadline (): void {
    this.abort(new UpstreamTimeoutError(this.#upstream, this.#queue.ms))
  }

  onConnect (abort: (err?: Error) => void): void {
    this.#abortDispatch = abort
    if (this.#cancelled !== undefined) abort(this.#cancelled)
    else if (this.#ctx.hasBody && this.#ctx.body === undefined) this.#requeue(this.#uploads)
  }

  onBodySent (): void {
    if (this.#queue === this.#uploads && this.deadlineQueued) this.#requeue(this.#uploads)
  }

  onRequestSent (): void {
    if (this.deadlineQueued) this.#requeue(this.#deadlines)
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) {
      if (!this.#answered) forwardInformational(this.#ctx, statusCode, rawHeaders)
      return true
    }
    if (this.#answered) return false
    this.#queue.remove(this)
    this.#headed = true
    this.#answered = true
    this.#resume = resume
    this.#target.count(statusCode)
    this.#passive?.record(this.#target.state, statusCode >= 500)
    const headers = filterResponseHeaders(rawHeaders)
    if (statusCode === 204 || statusCode === 304) {
      this.#bodiless = true
      // A 304's Content-Length describes the representation and passes through; a 204 must not have one (§8.6).
      if (statusCode === 204) removeHeader(headers, 'content-length')
    }
    this.#answer.head(this.#ctx, { status: statusCode, headers, stream: this })
    return true
  }

  onData (chunk: Buffer): boolean {
    const res = this.#res
    if (res === undefined) {
      (this.#pending ??= []).push(chunk)
      // Hold up to HOLD_BYTES while the head makes its way through the policies: a small body
      // (most answers) is then read, and completes, without pausing and resuming the socket.
      this.#held += chunk.length
      if (this.#held < HOLD_BYTES) return true
      this.#paused = true
      return false
    }
    if (res.write(chunk)) return true
    if (!this.#drainHooked) {
      this.#drainHooked = true
      res.on('drain', () => this.#resume?.())
    }
    return false
  }

  onComplete (): void {
    this.#finish()
    this.#complete = true
    this.#res?.end()
  }

  onError (err: Error): void {
    // undici checks Content-Length against the (absent) body of a 204/304 too; the response is whole.
    if (this.#bodiless && (err as { code?: string }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      this.onComplete()
      return
    }
    this.#finish()
    if (!this.#headed) {
      this.#target.count(0)
      this.#fail(err)
      return
    }
    this.#failed = err
    if (this.#res !== undefined) this.#cut(err)
  }

  start (res: Writable): void {
    this.#res = res
    const pending = this.#pending
    this.#pending = undefined
    if (pending !== undefined) for (const chunk of pending) res.write(chunk)
    if (this.#complete) res.end()
    else if (this.#failed !== undefined) this.#cut(this.#failed)
    else if (this.#paused) this.#resume?.()
  }

  #fail (err: Error): void {
    if (this.#answered) return
    this.#answered = true
    this.#queue.remove(this)
    const classified = this.#classify(err)
    // Only what says the target is sick counts (passive.ts): not a client that left, nor a body over the limit.
    if (classified instanceof BadGatewayError || classified instanceof UpstreamTimeoutError) {
      this.#passive?.record(this.#target.state, true)
    }
    this.#answer.fail(this.#ctx, classified)
  }

  #cut (err: Error): void {
    const code = (err as { code?: string }).code
    if (code === 'UND_ERR_BODY_TIMEOUT') this.#ctx.flag('SI')
    else if (this.#cancelled === undefined) this.#ctx.flag('UR')
    this.#ctx.cut = true
    this.#res!.destroy()
  }

  #finish (): void {
    if (this.#finished) return
    this.#finished = true
    this.#queue.remove(this)
    this.#target.inFlight--
    if (this.#ctx.upstreamRequest === this) this.#ctx.upstreamRequest = undefined
  }

  #requeue (queue: DeadlineQueue): void {
    this.#queue.remove(this)
    this.#queue = queue
    queue.add(this)
  }

  #classify (err: Error): Error {
    const ctx = this.#ctx
    const cancelled = this.#cancelled
    if (cancelled !== undefined) return cancelled
    if (SluiceError.is(err)) {
      if (err instanceof PayloadTooLargeError) ctx.flag('PL')
      return err
    }
    if (ctx.req.socket.destroyed) {
      ctx.flag('DC')
      return new AbortedError('Client closed the connection', { cause: err })
    }
    const code = (err as { code?: string }).code ?? ''
    const target = this.#target.id
    if (CONNECT_FAILURES.has(code)) {
      ctx.flag('UF')
      return new BadGatewayError(target, 'Upstream connection failed', { cause: err })
    }
    if (isInvalidResponse(err)) {
      ctx.flag('UP')
      return new BadGatewayError(target, 'Invalid upstream response', { cause: err })
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT') return new UpstreamTimeoutError(target, 0, { cause: err })
    ctx.flag('UR')
    return new BadGatewayError(target, 'Upstream connection reset', { cause: err })
  }
}
