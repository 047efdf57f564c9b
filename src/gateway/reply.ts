// One place turns errors into HTTP answers and writes heads. Error bodies are
// {"error":{"code","message","requestId"}}; 5xx messages stay generic unless the error is marked
// `expose`, so internals (hosts, ports, stack traces) never reach clients.

import { STATUS_CODES } from 'node:http'
import { InternalError, MethodNotAllowedError, SluiceError } from '../errors.js'
import type { Exchange, Flag, RequestContext, ResponseHead } from './contract.js'

export function errorBody (code: string, message: string, requestId: string): string {
  return JSON.stringify({ error: { code, message, requestId } })
}

/** A local JSON reply. */
export function jsonReply (status: number, body: string, headers: string[] = []): ResponseHead {
  headers.push('content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)))
  return { status, headers, body }
}

const FLAG_BY_CODE: Readonly<Record<string, Flag>> = {
  SLC_PAYLOAD_TOO_LARGE: 'PL',
  SLC_UPSTREAM_TIMEOUT: 'UT',
  SLC_UPSTREAM_UNAVAILABLE: 'UH',
  SLC_CIRCUIT_OPEN: 'CO',
  SLC_UPSTREAM_SATURATED: 'UO',
}

export function toReply (err: unknown, ctx: RequestContext): ResponseHead {
  let e: SluiceError
  if (SluiceError.is(err) && err.status >= 400) {
    e = err
    const flag = FLAG_BY_CODE[e.code]
    if (flag !== undefined) ctx.flag(flag)
  } else {
    ctx.log.error({ err, reqId: ctx.id, route: ctx.route?.name }, 'unhandled error')
    e = new InternalError({ cause: err })
  }
  const message = e.expose ? e.message : (STATUS_CODES[e.status] ?? 'Error')
  const headers: string[] = []
  const retryAfterMs = (e as { retryAfterMs?: unknown }).retryAfterMs
  if (typeof retryAfterMs === 'number') headers.push('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
  if (e instanceof MethodNotAllowedError) headers.push('allow', e.allow.join(', '))
  return jsonReply(e.status, errorBody(e.code, message, ctx.id), headers)
}

/** Writes the head (plus X-Request-Id and any affinity cookie), then the body or the upstream stream. */
export function send (ctx: Exchange, head: ResponseHead): void {
  const res = ctx.res
  if (res.destroyed || res.headersSent) {
    head.stream?.abort()
    return
  }
  const headers = head.headers
  headers.push('x-request-id', ctx.id)
  if (ctx.setCookie !== undefined) headers.push('set-cookie', ctx.setCookie)
  ctx.status = head.status
  res.writeHead(head.status, headers)
  if (head.stream !== undefined) head.stream.start(res)
  else res.end(head.body)
}
