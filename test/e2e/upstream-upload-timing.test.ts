// Upload timing on the injected clock: timeouts.response starts when the request body has been sent
// (an upload that keeps moving is never a 504), and timeouts.idle also holds toward the upstream
// (an upstream that stops taking the body is cut after idle).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { ManualClock } from '../../src/core/manual-clock.js'
import { startGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import { until, within } from '../helpers/wait.js'

const yaml = (url: string): string => `
server: { port: 0, requestBuffering: 0 }
upstreams: { up: { targets: [{ url: ${url} }], timeouts: { response: 1s, idle: 2s } } }
routes: [{ name: all, match: { path: / }, upstream: up }]
logging: { accessLog: false }
`

function client (port: number, head: string): { socket: Socket, text: () => string, closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (c: Buffer) => { text += c.toString('latin1') })
  socket.on('error', () => {})
  const closed = new Promise<void>(resolve => socket.on('close', () => resolve()))
  socket.write(head)
  return { socket, text: () => text, closed }
}

/** Real time for socket I/O to land, with the manual clock standing still. */
const settle = (ms = 30): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

test('an upload still moving past timeouts.response is not a 504: the response timeout starts when the body is sent', async () => {
  const clock = new ManualClock()
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url), { clock })
  const c = client(gw.port, 'POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n')
  try {
    // A byte every 100 ms for 2 s: twice the response timeout (issue 6: 504 at 1,008 ms).
    for (let i = 0; i < 19; i++) {
      c.socket.write('x')
      await settle()
      clock.advance(100)
    }
    assert.equal(c.text(), '', 'answered before the upload finished')
    c.socket.write('x')
    await until('the answer', () => c.text().includes('"bodyLength":20'))
    assert.match(c.text(), /^HTTP\/1\.1 200 /)
  } finally {
    c.socket.destroy()
    await gw.close()
    await up.close()
  }
})

test('after the body is sent, timeouts.response runs in full and answers 504', async () => {
  const clock = new ManualClock()
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url), { clock })
  const c = client(gw.port, 'POST /up HTTP/1.1\r\nHost: x\r\nX-Mode: hold\r\nContent-Length: 2\r\n\r\nx')
  try {
    await until('the upload reached the upstream', () => up.requests === 1)
    clock.advance(900)
    await settle()
    c.socket.write('y')
    await settle(60)
    clock.advance(999)
    await settle()
    assert.equal(c.text(), '', 'the response timeout counted the upload')
    clock.advance(1)
    await until('the answer', () => c.text().includes('SLC_UPSTREAM_TIMEOUT'))
    assert.match(c.text(), /^HTTP\/1\.1 504 /)
  } finally {
    c.socket.destroy()
    await gw.close()
    await up.close()
  }
})

test('an upstream that stops taking the body is cut after timeouts.idle with 504', async () => {
  const clock = new ManualClock()
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url), { clock })
  const size = 64 * 1024 * 1024
  const c = client(gw.port, `POST /up HTTP/1.1\r\nHost: x\r\nX-Mode: noread\r\nContent-Length: ${size}\r\n\r\n`)
  try {
    const chunk = Buffer.alloc(1024 * 1024)
    for (let i = 0; i < 64; i++) if (!c.socket.write(chunk)) break
    await until('the upload reached the upstream', () => up.requests === 1)
    await settle(300)
    clock.advance(1999)
    await settle()
    assert.equal(c.text(), '', 'cut before timeouts.idle')
    clock.advance(1)
    await until('the answer', () => c.text().includes('SLC_UPSTREAM_TIMEOUT'))
    assert.match(c.text(), /^HTTP\/1\.1 504 /)
    await within(c.closed, 3000, 'the client connection kept open after a 504 to an unfinished upload')
  } finally {
    c.socket.destroy()
    await gw.close()
    await up.close()
  }
})
