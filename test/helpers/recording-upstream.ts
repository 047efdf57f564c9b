// A real node:http upstream that records every request it receives (head and whole body) and
// answers with whatever the test sets, for tests that check what the gateway sent and how it
// changed what came back.

import { createServer } from 'node:http'
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'

export interface Recorded {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** Names and values exactly as received, in order. */
  rawHeaders: string[]
  body: Buffer
}

export interface Answer {
  status?: number
  headers?: OutgoingHttpHeaders | Array<[string, string]>
  /** Chunks are written one by one (chunked when no Content-Length is given). */
  body?: string | Buffer | Array<string | Buffer>
}

export interface RecordingUpstream {
  readonly url: string
  readonly received: readonly Recorded[]
  /** The last request received. */
  last (): Recorded
  /** Sets the answer to every later request. */
  answer (a: Answer | ((r: Recorded) => Answer)): void
  close (): Promise<void>
}

export async function startRecordingUpstream (): Promise<RecordingUpstream> {
  const received: Recorded[] = []
  const sockets = new Set<Socket>()
  let answer: Answer | ((r: Recorded) => Answer) = { body: 'ok' }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r: Recorded = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      }
      received.push(r)
      const a = typeof answer === 'function' ? answer(r) : answer
      const headers = a.headers ?? {}
      if (Array.isArray(headers)) res.writeHead(a.status ?? 200, headers.flat())
      else res.writeHead(a.status ?? 200, headers)
      const body = a.body
      if (Array.isArray(body)) {
        for (const c of body) res.write(c)
        res.end()
      } else {
        res.end(body)
      }
    })
  })
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    last () {
      const r = received.at(-1)
      if (r === undefined) throw new Error('the upstream received no request')
      return r
    },
    answer (a) { answer = a },
    close () {
      for (const s of sockets) s.destroy()
      return new Promise(resolve => server.close(() => resolve()))
    },
  }
}
