// Legal upstream responses that are easy to get wrong (RFC 9110 §15.2 and §15.4.5, RFC 9112 §6.3):
// 1xx before the final response, and 204/304 that carry Content-Length but no body. The upstream is
// a raw `net` server so it can send exactly these bytes.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'

const FINAL = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
const ANSWERS: Record<string, string> = {
  '/304': 'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 1234\r\n\r\n',
  '/204': 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
  '/100': `HTTP/1.1 100 Continue\r\n\r\n${FINAL}`,
  '/102': `HTTP/1.1 102 Processing\r\n\r\n${FINAL}`,
  '/103': `HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n${FINAL}`,
  '/104': `HTTP/1.1 104 Upload Resumption Supported\r\n\r\n${FINAL}`,
  '/ok': FINAL,
  // A body that looks like a 100 must pass untouched: only bytes before a status line are examined.
  '/looks-like-100': 'HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n',
}
/** Written one byte per write, so the gateway reads the 100 (and the final head) in pieces. */
const TRICKLED = new Set(['/100-trickled', '/103-100-trickled'])
ANSWERS['/100-trickled'] = `HTTP/1.1 100 Continue\r\nX-A: b\r\n\r\n${FINAL}`
ANSWERS['/103-100-trickled'] = ANSWERS['/103-100'] = 'HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload; as=script\r\n\r\n' +
  `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n${FINAL}`

function answer (socket: Socket, path: string): void {
  const text = ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'
  if (!TRICKLED.has(path)) {
    socket.write(text)
    return
  }
  let i = 0
  const next = (): void => { if (i < text.length) socket.write(text[i++]!, () => setImmediate(next)) }
  next()
}

let upstream: Server
let gw: TestGateway
const sockets = new Set<Socket>()

before(async () => {
  upstream = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.setNoDelay(true)
    let buffered = ''
    let bodyLeft = 0
    let pending: string | undefined
    socket.on('data', (d: Buffer) => {
      buffered += d.toString('latin1')
      for (;;) {
        if (pending !== undefined) {
          const n = Math.min(bodyLeft, buffered.length)
          bodyLeft -= n
          buffered = buffered.slice(n)
          if (bodyLeft > 0) return
          answer(socket, pending)
          pending = undefined
        }
        const end = buffered.indexOf('\r\n\r\n')
        if (end === -1) return
        const head = buffered.slice(0, end)
        buffered = buffered.slice(end + 4)
        pending = head.split(' ')[1]!
        bodyLeft = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0)
      }
    })
  })
  await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
  const addr = upstream.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  gw = await startGateway(`
upstreams: { raw: { targets: [{ url: http://127.0.0.1:${port} }] } }
routes:
  - { name: raw, match: { path: / }, upstream: raw }
`)
})

after(async () => {
  await gw.close()
  for (const s of sockets) s.destroy()
  await new Promise(resolve => upstream.close(resolve))
})

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  informational: Array<{ status: number, headers: IncomingHttpHeaders }>
  reusedSocket: boolean
}

function get (path: string, agent: Agent | false = false, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const informational: Answer['informational'] = []
    const method = body === undefined ? 'GET' : 'POST'
    const req = httpRequest({ host: '127.0.0.1', port: gw.port, path, method, agent, headers: { host: 'x' } }, (res) => {
      let body = ''
      res.setEncoding('latin1')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, informational, reusedSocket: req.reusedSocket }))
      res.on('error', reject)
    })
    req.on('information', (info) => { informational.push({ status: info.statusCode, headers: info.headers }) })
    req.on('error', reject)
    req.end(body)
  })
}

test('a 304 with Content-Length and no body is forwarded as is, and the client connection stays usable', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const r = await get('/304', agent)
    assert.equal(r.status, 304)
    assert.equal(r.headers.etag, '"v1"')
    // RFC 9110 §8.6: a 304's Content-Length is the selected representation's; it passes through.
    assert.equal(r.headers['content-length'], '1234')
    assert.equal(r.body, '')
    const next = await get('/ok', agent)
    assert.equal(next.status, 200)
    assert.equal(next.body, 'ok')
    assert.equal(next.reusedSocket, true, 'the client connection survived the 304')
  } finally {
    agent.destroy()
  }
})

test('a 204 with Content-Length is forwarded without it (RFC 9110 §8.6), and the connection stays usable', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const r = await get('/204', agent)
    assert.equal(r.status, 204)
    assert.equal(r.headers['content-length'], undefined)
    const next = await get('/ok', agent)
    assert.equal(next.status, 200)
    assert.equal(next.reusedSocket, true)
  } finally {
    agent.destroy()
  }
})

test('an unexpected 100 Continue before the final response is skipped, not a 502', async () => {
  const r = await get('/100')
  assert.equal(r.status, 200, r.body)
  assert.equal(r.body, 'ok')
})

test('an unexpected 100 arriving byte by byte, and one before the answer to an upload, are skipped too', async () => {
  const trickled = await get('/100-trickled')
  assert.equal(trickled.status, 200)
  assert.equal(trickled.body, 'ok')
  const upload = await get('/100', false, 'x'.repeat(100_000))
  assert.equal(upload.status, 200)
  assert.equal(upload.body, 'ok')
})

test('a 100 after another 1xx is skipped too; the other 1xx still reach the client', async () => {
  const r = await get('/103-100')
  assert.equal(r.status, 200)
  assert.equal(r.body, 'ok')
  assert.deepEqual(r.informational.map(i => i.status), [103, 102])
  const trickled = await get('/103-100-trickled')
  assert.equal(trickled.status, 200)
  assert.deepEqual(trickled.informational.map(i => i.status), [103, 102])
})

test('a response body that looks like a 100 Continue reaches the client byte for byte', async () => {
  const r = await get('/looks-like-100')
  assert.equal(r.status, 200)
  assert.equal(r.body, 'HTTP/1.1 100 Continue\r\n\r\n')
})

test('103 Early Hints is forwarded before the final response; 102 too', async () => {
  const hints = await get('/103')
  assert.equal(hints.status, 200)
  assert.deepEqual(hints.informational.map(i => i.status), [103])
  assert.equal(hints.informational[0]!.headers.link, '</style.css>; rel=preload; as=style')
  const processing = await get('/102')
  assert.equal(processing.status, 200)
  assert.deepEqual(processing.informational.map(i => i.status), [102])
})

test('other 1xx are skipped and the final response still arrives', async () => {
  const r = await get('/104')
  assert.equal(r.status, 200)
  assert.equal(r.body, 'ok')
})
