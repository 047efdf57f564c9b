// The request side of a JSON transform: reads the client's body (bounded by the transform's
// maxBodySize and the route's), edits it, and hands the upstream call the result as ctx.body with
// its exact Content-Length. Every attempt then sends those bytes, so a retry can repeat it.
//
// A body the transform must not touch (not JSON, content-coded, or larger than maxBodySize) is not
// buffered: it streams as it would without the transform. One that turns out too large only while
// it arrives (no Content-Length) has its first bytes put back in front of the stream
// (Readable.unshift), so the upstream still receives it whole and untouched.

import type { IncomingMessage } from 'node:http'
import { AbortedError, PayloadTooLargeError } from '../../errors.js'
import type { RequestContext } from '../contract.js'
import { getHeader, setHeader } from '../headers.js'
import { applyJsonOps } from './json-ops.js'
import type { JsonOps } from './json-ops.js'
import { isEncoded, isJsonType } from './media.js'
import type { Skipped } from './media.js'

export function transformRequestJson (
  ctx: RequestContext, ops: JsonOps, max: number, skipped: Skipped
): Promise<undefined> | undefined {
  if (!ctx.hasBody) return undefined
  const route = ctx.route?.name ?? ''
  const h = ctx.upstreamHeaders
  if (!isJsonType(getHeader(h, 'content-type'))) return skip('not_json')
  if (isEncoded(getHeader(h, 'content-encoding'))) return skip('encoding')
  const routeLimit = ctx.route?.maxBodySize
  // The upstream call answers 413 for a declared length over the route's limit without reading.
  if (ctx.contentLength !== undefined && routeLimit !== undefined && ctx.contentLength > routeLimit) return undefined
  if (ctx.contentLength !== undefined && ctx.contentLength > max) return skip('too_large')
  const read = ctx.body !== undefined ? Promise.resolve(ctx.body) : readBody(ctx.req, max, routeLimit)
  return read.then(body => {
    if (body === undefined) return skip('too_large')
    let doc: unknown
    try {
      doc = JSON.parse(body.toString('utf8'))
    } catch {
      setBody(ctx, body)
      return skip('invalid_json')
    }
    applyJsonOps(ops, doc, ctx)
    setBody(ctx, Buffer.from(JSON.stringify(doc)))
    return undefined
  })

  function skip (reason: Parameters<Skipped>[1]): undefined {
    skipped(route, reason)
    return undefined
  }
}

function setBody (ctx: RequestContext, body: Buffer): void {
  ctx.body = body
  setHeader(ctx.upstreamHeaders, 'content-length', String(body.length))
}

/** The whole body; undefined when it outgrew `max` (its bytes are back in the stream). */
function readBody (req: IncomingMessage, max: number, routeLimit: number | undefined): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onGone)
      req.off('close', onGone)
    }
    function onData (chunk: Buffer): void {
      chunks.push(chunk)
      size += chunk.length
      if (routeLimit !== undefined && size > routeLimit) {
        stop()
        reject(new PayloadTooLargeError(routeLimit))
      } else if (size > max) {
        // Paused before the listener goes, or the flowing stream would drop what comes next.
        req.pause()
        stop()
        req.unshift(Buffer.concat(chunks, size))
        resolve(undefined)
      }
    }
    function onEnd (): void {
      stop()
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    }
    function onGone (err?: Error): void {
      stop()
      reject(new AbortedError('Client closed the connection', { cause: err }))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onGone)
    req.on('close', onGone)
  })
}
