// What an attempt sends as the request body, and whether a later attempt may send it again.
//
//   none      no body: every attempt sends none
//   buffered  the whole body is in memory, read once within a size bound: every attempt sends
//             the same bytes
//   streamed  the client's stream, passed through as it arrives, never held: an attempt may
//             send it only while no earlier attempt has read from it. A refused connection
//             leaves it untouched (undici reads a body only once it writes the request to a
//             socket), so it stays replayable; once any of it went out, it is not.
//
// `replayable` is read by the retry policy (CallMeta.replayable) after a failed attempt, so a
// retry is given up before its backoff instead of failing after it.

import { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { PayloadTooLargeError } from '../../errors.js'
import type { Exchange } from '../contract.js'

export type AttemptBody = Dispatcher.DispatchOptions['body']

/** True when another attempt may still send `ctx`'s request body. */
export function bodyReplayable (ctx: Exchange, buffered: Buffer | undefined): boolean {
  return !ctx.hasBody || buffered !== undefined || !ctx.req.readableDidRead
}

/** The body for the next attempt. */
export function attemptBody (ctx: Exchange, buffered: Buffer | undefined): AttemptBody {
  if (!ctx.hasBody) return null
  if (buffered !== undefined) return buffered
  const limit = ctx.route?.maxBodySize
  return limit !== undefined && ctx.contentLength === undefined
    ? Readable.from(limitBody(ctx.req, limit), { objectMode: false })
    : ctx.req
}

/** Counts a chunked body as it streams; over the limit the upload fails with 413 (never buffered). */
async function * limitBody (req: NodeJS.ReadableStream & Readable, limit: number): AsyncGenerator<Buffer> {
  let seen = 0
  // destroyOnReturn: false keeps the client socket open so the 413 can still be written.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    seen += chunk.length
    if (seen > limit) throw new PayloadTooLargeError(limit)
    yield chunk
  }
}
