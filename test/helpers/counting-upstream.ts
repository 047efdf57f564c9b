// A real node:http upstream that counts the requests it has at once (and the most it ever had),
// for tests of the gateway's breaker and concurrency limits. The request header `x-mode` picks a
// behaviour:
//
//   (none)       200 "ok" at once
//   status:N     N at once
//   hold         held until release(), then 200
//   hold-body    head and a first chunk at once, the rest of the body held until release()
//
// With `capacity`, requests beyond it wait for a free place first, and each takes `serviceMs`
// once it has one: an upstream that serves `capacity` at once and queues the rest.

import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface CountingUpstream {
  readonly url: string
  /** Requests received so far. */
  readonly requests: number
  /** Requests being handled now (until their response closes). */
  readonly current: number
  /** The most requests it ever had at once. */
  readonly peak: number
  /** Resolves once `n` requests are being held (`hold` or `hold-body`). */
  waitForHeld (n: number): Promise<void>
  release (): void
  close (): Promise<void>
}

export interface CountingOptions {
  capacity?: number
  serviceMs?: number
}

export async function startCountingUpstream (options: CountingOptions = {}): Promise<CountingUpstream> {
  let requests = 0
  let current = 0
  let peak = 0
  let held: Array<() => void> = []
  let heldWaiters: Array<() => void> = []
  const sockets = new Set<Socket>()
  let busy = 0
  const queue: Array<() => void> = []
  const serve = (run: () => void): void => {
    const { capacity, serviceMs = 0 } = options
    if (capacity === undefined) { run(); return }
    const start = (): void => {
      busy++
      setTimeout(() => {
        busy--
        queue.shift()?.()
        run()
      }, serviceMs)
    }
    if (busy < capacity) start()
    else queue.push(start)
  }
  const hold = (fn: () => void): void => {
    held.push(fn)
    for (const w of heldWaiters) w()
  }
  const answer = (res: ServerResponse, mode: string): void => {
    if (mode.startsWith('status:')) {
      res.writeHead(Number(mode.slice(7))).end('status')
    } else if (mode === 'hold') {
      hold(() => res.end('ok'))
    } else if (mode === 'hold-body') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first ')
      hold(() => res.end('last'))
    } else {
      res.end('ok')
    }
  }
  const server = createServer((req, res) => {
    requests++
    current++
    if (current > peak) peak = current
    res.on('close', () => { current-- })
    req.resume()
    req.on('end', () => { serve(() => answer(res, String(req.headers['x-mode'] ?? ''))) })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    get requests () { return requests },
    get current () { return current },
    get peak () { return peak },
    waitForHeld (n) {
      return new Promise(resolve => {
        const check = (): void => {
          if (held.length < n) return
          heldWaiters = heldWaiters.filter(w => w !== check)
          resolve()
        }
        heldWaiters.push(check)
        check()
      })
    },
    release () {
      const fns = held
      held = []
      for (const fn of fns) fn()
    },
    async close () {
      for (const s of sockets) s.destroy()
      await new Promise(resolve => server.close(resolve))
    },
  }
}
