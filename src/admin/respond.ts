// JSON replies for the admin listener, in the same body shape the gateway uses for its errors
// (`{"error":{"code","message","requestId"}}`) so one client-side parser handles both ports.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import type { SluiceError } from '../errors.js'

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The client's X-Request-Id when it is a sane token, else a fresh one. */
export function requestIdOf (req: IncomingMessage): string {
  const id = req.headers['x-request-id']
  return typeof id === 'string' && SANE_ID.test(id) ? id : randomUUID()
}

export function sendJson (
  res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(text)
}

export function sendError (
  res: ServerResponse, requestId: string, err: SluiceError, status = err.status,
  headers: Record<string, string> = {}, extra: Record<string, unknown> = {}
): void {
  const body = { error: { code: err.code, message: err.message, requestId, ...extra } }
  sendJson(res, status, body, { 'x-request-id': requestId, ...headers })
}
