// The response side of a JSON transform: a body source standing between the upstream's body and
// the client. The head goes out before the body is read (stages see heads synchronously), so the
// head loses its Content-Length and the client gets the result chunked; everything else the head
// says is decided from the head alone (type, coding, declared length) before it is sent.
//
//   upstream body ──▶ sink (buffers up to max) ──end──▶ parse → edit → one write to the client
//                          └─ over max: what it holds, then the rest, streamed untouched
//
// Not valid JSON at the end: the bytes it held go out as they came.

import { Writable } from 'node:stream'
import type { BodySource, RequestContext, ResponseHead } from '../contract.js'
import { getHeader, removeHeader } from '../headers.js'
import { applyJsonOps } from './json-ops.js'
import type { JsonOps } from './json-ops.js'
import { isEncoded, isJsonType } from './media.js'
import type { Skipped } from './media.js'

/** Puts a transforming body source on `head` when its body is one to edit; counts the ones left alone. */
export function transformResponseJson (
  ctx: RequestContext, head: ResponseHead, ops: JsonOps, max: number, skipped: Skipped
): void {
  const inner = head.stream
  if (inner === undefined || ctx.method === 'HEAD' || head.status === 204 || head.status === 304) return
  const route = ctx.route?.name ?? ''
  const h = head.headers
  if (!isJsonType(getHeader(h, 'content-type'))) return skipped(route, 'not_json')
  if (isEncoded(getHeader(h, 'content-encoding'))) return skipped(route, 'encoding')
  const declared = getHeader(h, 'content-length')
  if (declared !== undefined && Number(declared) > max) return skipped(route, 'too_large')
  removeHeader(h, 'content-length')
  head.stream = new JsonResponseBody(inner, ctx, ops, max, () => { skipped(route, 'too_large') },
    () => { skipped(route, 'invalid_json') })
}

class JsonResponseBody implements BodySource {
  readonly #inner: BodySource
  readonly #ctx: RequestContext
  readonly #ops: JsonOps
  readonly #max: number
  readonly #tooLarge: () => void
  readonly #invalid: () => void

  constructor (
    inner: BodySource, ctx: RequestContext, ops: JsonOps, max: number, tooLarge: () => void, invalid: () => void
  ) {
    this.#inner = inner
    this.#ctx = ctx
    this.#ops = ops
    this.#max = max
    this.#tooLarge = tooLarge
    this.#invalid = invalid
  }

  start (res: Writable): void {
    let chunks: Buffer[] | undefined = []
    let size = 0
    let done = false
    const pass = (chunk: Buffer, cb: () => void): void => {
      if (res.write(chunk)) cb()
      else res.once('drain', cb)
    }
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (chunks === undefined) return pass(chunk, cb)
        chunks.push(chunk)
        size += chunk.length
        if (size <= this.#max) return cb()
        this.#tooLarge()
        const held = Buffer.concat(chunks, size)
        chunks = undefined
        pass(held, cb)
      },
      final: (cb) => {
        done = true
        if (chunks === undefined) res.end()
        else res.end(this.#edit(Buffer.concat(chunks, size)))
        cb()
      },
      destroy: (err, cb) => {
        // The upstream body failed part way: the client's response is cut too, as without us.
        if (!done) res.destroy(err ?? undefined)
        cb(err)
      },
    })
    // The upstream side reports its own failures (Forward flags and logs them); the sink only ends.
    sink.on('error', () => {})
    this.#inner.start(sink)
  }

  abort (): void {
    this.#inner.abort()
  }

  #edit (body: Buffer): Buffer | string {
    let doc: unknown
    try {
      doc = JSON.parse(body.toString('utf8'))
    } catch {
      this.#invalid()
      return body
    }
    applyJsonOps(this.#ops, doc, this.#ctx)
    return JSON.stringify(doc)
  }
}
