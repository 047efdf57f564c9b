// The answers node:http leaves to us before any request object exists: parse errors
// ('clientError') and CONNECT ('connect'). Both write a raw response onto the socket, which is only
// right when no response is in progress on that connection: written while an earlier (pipelined)
// response is still queued or streaming, the bytes would be read as that response, or land inside
// its body. Such a connection is destroyed instead, as node:http's own default handler does.

import { STATUS_CODES } from 'node:http'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import {
  BadRequestError, HeadersTooLargeError, HttpVersionError, NotImplementedError, RequestTimeoutError, UriTooLongError,
} from '../errors.js'
import type { SluiceError } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import { errorBody } from './reply.js'
import { generateRequestId } from './request-id.js'

/** Responses started but not yet closed, per connection. */
export class OpenResponses {
  readonly #count = new WeakMap<Socket, number>()

  begin (socket: Socket): void { this.#count.set(socket, (this.#count.get(socket) ?? 0) + 1) }

  end (socket: Socket): void {
    const n = (this.#count.get(socket) ?? 1) - 1
    if (n === 0) this.#count.delete(socket)
    else this.#count.set(socket, n)
  }

  busy (socket: Socket): boolean { return this.#count.has(socket) }
}

type ParseError = NodeJS.ErrnoException & { rawPacket?: unknown, bytesParsed?: unknown }

type ClientErrorListener = (err: ParseError, socket: Socket) => void
type ConnectListener = (req: IncomingMessage, socket: Socket) => void

export function createClientErrorHandler (open: OpenResponses, logger: Logger): ClientErrorListener {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable || open.busy(socket)) {
      socket.destroy()
      return
    }
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    const e = timeout ? new RequestTimeoutError('Request headers took too long') : toError(err)
    const id = writeError(socket, e.status, e)
    logger.debug({ err: { code: err.code, message: err.message }, reqId: id, status: e.status }, 'client error')
  }
}

/** A gateway opens no tunnels: CONNECT gets 501 (RFC 9110 §9.3.6 makes it optional). */
export function createConnectHandler (open: OpenResponses, logger: Logger): ConnectListener {
  return (req, socket) => {
    if (!socket.writable || open.busy(socket)) {
      socket.destroy()
      return
    }
    const id = writeError(socket, 501, new NotImplementedError('CONNECT is not supported'))
    logger.debug({ reqId: id, target: req.url }, 'CONNECT refused')
  }
}

function toError (err: ParseError): SluiceError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': return inRequestLine(err) ? new UriTooLongError() : new HeadersTooLargeError()
    // llhttp knows every registered method: a well-formed request line with another is 501;
    // a line that is not `METHOD SP target` at all is malformed (400).
    case 'HPE_INVALID_METHOD': return startsWithMethod(err) ? new NotImplementedError() : new BadRequestError('Malformed request')
    // `HTTP/d.d` that is not 1.0/1.1 is a version we do not speak (505); anything else is malformed.
    case 'HPE_INVALID_VERSION': return wellFormedVersion(err) ? new HttpVersionError() : new BadRequestError('Malformed request')
    default: return new BadRequestError('Malformed request')
  }
}

/**
 * Whether the size limit was hit inside the request line. node:http's limit covers the request
 * line and the headers alike; the line being read when it tripped is the one that ends where
 * parsing stopped. It is the request line when it reads `METHOD SP target` with no second space (a
 * header line has no space before its colon). A line that began in an earlier read cannot be seen
 * here and counts as a header (431): the 414 is exact whenever the request line starts in the read
 * that overflows, as it does when a client writes its request head at once.
 */
function inRequestLine (err: ParseError): boolean {
  const line = errorLine(err)
  if (line === undefined) return false
  const [raw, start, end] = line
  const space = methodEnd(raw, start)
  if (space === -1 || space >= end) return false
  const second = raw.indexOf(0x20, space + 1)
  return second === -1 || second >= end
}

/** The line reads `METHOD SP x…`, so it is a request line, whatever its method. */
function startsWithMethod (err: ParseError): boolean {
  const line = errorLine(err)
  if (line === undefined) return false
  const [raw, start] = line
  const space = methodEnd(raw, start)
  const next = space === -1 ? -1 : (raw[space + 1] ?? -1)
  return next !== -1 && next !== 0x20 && next !== 0x0d && next !== 0x0a
}

function wellFormedVersion (err: ParseError): boolean {
  const line = errorLine(err)
  if (line === undefined) return false
  const [raw, start] = line
  const cr = raw.indexOf(0x0d, start)
  const text = raw.toString('latin1', start, cr === -1 ? raw.length : cr)
  return /^\S+ \S+ HTTP\/\d\.\d$/.test(text)
}

/** The chunk being parsed, where the line that was being read starts in it, and where parsing stopped. */
function errorLine (err: ParseError): [raw: Buffer, start: number, end: number] | undefined {
  const raw = err.rawPacket
  const at = err.bytesParsed
  if (!Buffer.isBuffer(raw) || typeof at !== 'number') return undefined
  const end = Math.min(at, raw.length)
  return [raw, end === 0 ? 0 : raw.lastIndexOf(0x0a, end - 1) + 1, end]
}

/** Index of the space after a method token starting at `start`, or -1. */
function methodEnd (raw: Buffer, start: number): number {
  const space = raw.indexOf(0x20, start)
  if (space <= start) return -1
  for (let i = start; i < space; i++) if (!isTokenChar(raw[i]!)) return -1
  return space
}

function isTokenChar (c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c))
}

/** Writes a complete JSON error response and closes; returns the request id it carries. */
function writeError (socket: Socket, status: number, e: SluiceError): string {
  const id = generateRequestId()
  const message = e.expose ? e.message : (STATUS_CODES[status] ?? 'Error')
  const body = errorBody(e.code, message, id)
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${id}\r\nconnection: close\r\n\r\n${body}`)
  return id
}
