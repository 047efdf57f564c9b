// Request buffering (server.requestBuffering): a body whose Content-Length is known and small is
// read in full before an upstream connection is taken. An upstream connection is then held only for
// the time the upstream needs, never for the time a slow client needs to upload, so slow uploaders
// cannot take the pool from everyone else (nginx's proxy_request_buffering does the same, with no
// size limit because it spills to disk). Larger and chunked bodies stream, bounded by the body idle
// timeout.
//
// While it reads, the reader stands in ctx.upstreamRequest, so a client that goes away or stalls
// (body-watch.ts) cancels the read the way it would cancel an upstream exchange.

import { AbortedError } from '../errors.js'
import type { Exchange } from './contract.js'

/** True when `ctx`'s body should be read in full before the upstream call. */
export function shouldBuffer (ctx: Exchange, limit: number): boolean {
  return ctx.body === undefined && ctx.hasBody && ctx.contentLength !== undefined && ctx.contentLength <= limit
}

/** Reads the whole body into `ctx.body`, then calls `done`; on a cancel or a read error, `failed` instead. */
export function bufferBody (ctx: Exchange, done: () => void, failed: (err: Error) => void): void {
  const req = ctx.req
  const chunks: Buffer[] = []
  let size = 0
  let over = false

  const onData = (chunk: Buffer): void => {
    chunks.push(chunk)
    size += chunk.length
  }
  const stop = (): boolean => {
    if (over) return false
    over = true
    req.off('data', onData)
    req.off('end', onEnd)
    req.off('error', onError)
    if (ctx.upstreamRequest === reader) ctx.upstreamRequest = undefined
    return true
  }
  const onEnd = (): void => {
    if (!stop()) return
    ctx.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
    done()
  }
  const onError = (err: Error): void => {
    if (stop()) failed(new AbortedError('Client closed the connection', { cause: err }))
  }
  const reader = {
    abort (reason: Error = new AbortedError('Client closed the connection')): void {
      if (stop()) failed(reason)
    },
  }
  ctx.upstreamRequest = reader
  req.on('data', onData)
  req.on('end', onEnd)
  req.on('error', onError)
}
