// A real node:http "supplier" for dispatcher tests: it enforces its own token-bucket limit and
// answers 429 with Retry-After past it, counts what it received, and can be told to misbehave.

import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Fault = 'none' | '500' | '503' | 'reset' | 'stall'

export interface SupplierServerOptions {
  /** Requests per second the supplier accepts; undefined = unlimited. */
  rps?: number
  /** Bucket size (default `rps`). */
  burst?: number
  /** Extra headers on 429 answers, e.g. RateLimit-* instead of Retry-After. */
  rateLimitHeaders?: (retryAfterS: number) => Record<string, string>
  /** Custom answer; the default echoes method, url and body as JSON. */
  handler?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void
  /** Delay before answering, in ms (real time). */
  delayMs?: number
}

export interface ReceivedRequest { method: string, url: string, headers: IncomingMessage['headers'], body: string, at: number }

export interface SupplierServer {
  readonly url: string
  readonly port: number
  /** Requests received (including those answered 429 or failed). */
  readonly received: ReceivedRequest[]
  readonly count: number
  /** Requests answered 429. */
  readonly rejected: number
  /** Makes the next `times` requests (default: all) fail this way. */
  fail (fault: Fault, times?: number): void
  close (): Promise<void>
}

export async function startSupplier (opts: SupplierServerOptions = {}): Promise<SupplierServer> {
  const received: ReceivedRequest[] = []
  const sockets = new Set<Socket>()
  let rejected = 0
  let fault: Fault = 'none'
  let faultLeft = Infinity
  const rate = opts.rps
  const burst = opts.burst ?? rate ?? 0
  let tokens = burst
  let refilledAt = performance.now()

  function takeToken (): number {
    if (rate === undefined) return 0
    const now = performance.now()
    tokens = Math.min(burst, tokens + (now - refilledAt) * rate / 1000)
    refilledAt = now
    if (tokens >= 1) {
      tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - tokens) / rate))
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString(), at: performance.now() })
      const f = faultLeft > 0 ? fault : 'none'
      if (f !== 'none') faultLeft--
      if (f === 'stall') return
      if (f === 'reset') {
        req.socket.destroy()
        return
      }
      if (f === '500' || f === '503') {
        res.writeHead(Number(f), { 'content-type': 'text/plain' }).end('fault')
        return
      }
      const wait = takeToken()
      if (wait > 0) {
        rejected++
        res.writeHead(429, { 'retry-after': String(wait), ...opts.rateLimitHeaders?.(wait) }).end()
        return
      }
      const answer = (): void => {
        if (opts.handler) {
          opts.handler(req, res, body)
          return
        }
        res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, url: req.url, body: body.toString() }))
      }
      if (opts.delayMs) setTimeout(answer, opts.delayMs)
      else answer()
    })
  })
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    get count () { return received.length },
    get rejected () { return rejected },
    fail (f, times = Infinity) {
      fault = f
      faultLeft = times
    },
    close () {
      for (const s of sockets) s.destroy()
      return new Promise(resolve => server.close(() => resolve()))
    },
  }
}
