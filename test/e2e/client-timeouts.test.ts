// Client-side timeouts and the connection cap against a real gateway and real sockets. The head and
// idle timers are node:http's own (real time), so the timeouts are short and the margins generous.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import { until, within } from '../helpers/wait.js'

const yaml = (url: string, server: string): string => `
server: { port: 0, ${server} }
upstreams: { up: { targets: [{ url: ${url} }] } }
routes: [{ name: all, match: { path: / }, upstream: up }]
logging: { accessLog: false }
`

interface Raw { socket: Socket, received: () => string, closed: Promise<number> }

/** A raw client connection; `closed` resolves with the ms from connect to the server closing it. */
function raw (port: number): Raw {
  const socket = connect(port, '127.0.0.1')
  const start = Date.now()
  let text = ''
  socket.on('data', (c: Buffer) => { text += c.toString('latin1') })
  socket.on('error', () => {})
  const closed = new Promise<number>(resolve => socket.on('close', () => resolve(Date.now() - start)))
  return { socket, received: () => text, closed }
}

async function inFlight (gw: TestGateway): Promise<number> {
  return (await gw.gateway.metrics.httpInFlight.get()).values[0]?.value ?? 0
}

test('a silent connection and one trickling its head get 408 and are closed after server.timeouts.headers', async () => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url, 'timeouts: { headers: 400ms }'))
  try {
    const silent = raw(gw.port)
    const trickle = raw(gw.port)
    trickle.socket.write('GET / HTTP/1.1\r\nHost: x\r\n')
    const timer = setInterval(() => { if (!trickle.socket.destroyed) trickle.socket.write('X-A: b\r\n') }, 100)
    try {
      for (const c of [silent, trickle]) {
        const ms = await within(c.closed, 5000, 'still open')
        assert.ok(ms >= 350, `closed at ${ms} ms, before the 400 ms budget`)
        assert.match(c.received(), /^HTTP\/1\.1 408 /)
        assert.match(c.received(), /"code":"SLC_REQUEST_TIMEOUT"/)
      }
    } finally {
      clearInterval(timer)
    }
    // A head sent in time is served as usual.
    assert.equal((await send(gw.url, '/ok')).status, 200)
  } finally {
    await gw.close()
    await up.close()
  }
})

test('a client that stops reading its response is closed after server.timeouts.idle, and its upstream request ends', async () => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url, 'timeouts: { idle: 400ms }'))
  try {
    const c = raw(gw.port)
    c.socket.pause()
    c.socket.write('GET /big HTTP/1.1\r\nHost: x\r\nX-Mode: stream:104857600\r\n\r\n')
    await until('the response in flight', async () => await inFlight(gw) === 1)
    // A paused client cannot see its socket close, so watch the gateway's side first.
    await until('the in-flight gauge back at 0', async () => await inFlight(gw) === 0, 10_000)
    await until('the upstream socket closed', () => up.openSockets === 0)
    c.socket.resume()
    await within(c.closed, 5000, 'the client connection still open')
  } finally {
    await gw.close()
    await up.close()
  }
})

test('idle does not cut a request waiting for a slow upstream head (timeouts.response owns that wait)', async () => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url, 'timeouts: { idle: 200ms }'))
  try {
    const r = send(gw.url, '/slow', { headers: { 'x-mode': 'hold' } })
    await up.waitForHeld(1)
    await new Promise(resolve => setTimeout(resolve, 700))
    up.release()
    assert.equal((await r).status, 200)
  } finally {
    await gw.close()
    await up.close()
  }
})

test('at server.maxConnections a newcomer evicts the longest-quiet connection; when all are busy it is refused', async () => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url, 'maxConnections: 3'))
  try {
    const quiet = [raw(gw.port), raw(gw.port), raw(gw.port)]
    await until('3 connections open', () => quiet.every(q => q.socket.readyState === 'open'))
    await new Promise(resolve => setTimeout(resolve, 50))
    assert.equal((await send(gw.url, '/served')).status, 200)
    await within(quiet[0]!.closed, 2000, 'the oldest quiet connection was not evicted')
    for (const q of quiet) q.socket.destroy()

    const busy = [0, 1, 2].map(() => send(gw.url, '/busy', { headers: { 'x-mode': 'hold' } }))
    await up.waitForHeld(3)
    const refused = raw(gw.port)
    const ms = await within(refused.closed, 2000, 'a connection over the cap was kept')
    assert.equal(refused.received(), '', `refused at ${ms} ms without an answer`)
    up.release()
    for (const r of await Promise.all(busy)) assert.equal(r.status, 200)
  } finally {
    await gw.close()
    await up.close()
  }
})
