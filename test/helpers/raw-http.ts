// Raw HTTP/1.1 over a plain `net` socket, for requests node:http refuses to send (duplicate Host,
// absolute-form targets, odd versions) and for reading exactly what came back on the wire.

import { connect } from 'node:net'
import type { Socket } from 'node:net'

export interface RawResponse {
  status: number
  /** Lower-cased names; repeated lines joined with ", ". */
  headers: Record<string, string>
  body: string
  json<T = Record<string, unknown>> (): T
}

export interface RawResult {
  /** Everything the server sent, as latin1 text. */
  text: string
  /** The first response on the connection, or undefined when none came back. */
  response: RawResponse | undefined
  /** How the connection ended: the server closed it (`end`), reset it, or the client gave up. */
  ended: 'end' | 'reset' | 'timeout'
}

export interface RawOptions {
  /** Half-close (FIN) after writing, as `curl --no-keepalive` style clients and shells do. */
  halfClose?: boolean
  /** Safety net only: no assertion relies on it; a hang fails the test with `ended: 'timeout'`. */
  timeoutMs?: number
}

/** Writes `data` on a fresh connection and reads until the server closes it. */
export function rawRequest (port: number, data: string | Buffer, options: RawOptions = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let ended: RawResult['ended'] = 'end'
    const done = (): void => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      resolve({ text, response: parseResponse(text), ended })
    }
    const timer = setTimeout(() => { ended = 'timeout'; socket.destroy() }, options.timeoutMs ?? 5000)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', () => { if (ended === 'end') ended = 'reset' })
    socket.on('close', done)
    socket.write(data)
    if (options.halfClose === true) socket.end()
  })
}

/** Opens a connection and hands it over, for tests that interleave writes and reads. */
export function rawConnect (port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Parses the first response in `text` (Content-Length bodies only, which is what error replies use). */
export function parseResponse (text: string): RawResponse | undefined {
  const headEnd = text.indexOf('\r\n\r\n')
  if (headEnd === -1) return undefined
  const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)
  if (m === null) return undefined
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  const length = headers['content-length']
  const rest = text.slice(headEnd + 4)
  const body = length === undefined ? rest : rest.slice(0, Number(length))
  return { status: Number(m[1]), headers, body, json: () => JSON.parse(body) }
}
