// server.timeouts.body on the injected clock: an upload that stops is answered 408 and closed; one
// that keeps moving is never cut, however long it takes in total.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { ManualClock } from '../../src/core/manual-clock.js'
import { startGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import { until, within } from '../helpers/wait.js'

const yaml = (url: string): string => `
server: { port: 0, timeouts: { body: 1s } }
upstreams: { up: { targets: [{ url: ${url} }], timeouts: { response: 1h, idle: 1h } } }
routes: [{ name: all, match: { path: / }, upstream: up }]
logging: { accessLog: false }
`

function upload (port: number, length: number): { socket: Socket, text: () => string, closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (c: Buffer) => { text += c.toString('latin1') })
  socket.on('error', () => {})
  const closed = new Promise<void>(resolve => socket.on('close', () => resolve()))
  socket.write(`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`)
  return { socket, text: () => text, closed }
}

/** Real time for socket I/O to land, with the manual clock standing still. */
const settle = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 40))

for (const buffering of ['0', '1mb']) {
  test(`a stalled upload gets 408 after server.timeouts.body (requestBuffering ${buffering})`, async () => {
    const clock = new ManualClock()
    const up = await startUpstream('up')
    const gw = await startGateway(yaml(up.url).replace('body: 1s }', `body: 1s }, requestBuffering: ${buffering}`), { clock })
    const c = upload(gw.port, 100)
    try {
      c.socket.write('x'.repeat(10))
      if (buffering === '0') await until('the upload reached the upstream', () => up.requests === 1)
      await settle()
      clock.advance(750)
      await settle()
      assert.equal(c.text(), '', 'cut before the budget')
      clock.advance(500)
      await within(c.closed, 3000, 'the stalled upload was kept open')
      assert.match(c.text(), /^HTTP\/1\.1 408 /)
      assert.match(c.text(), /"code":"SLC_REQUEST_TIMEOUT"/)
      assert.match(c.text(), /connection: close/i)
    } finally {
      c.socket.destroy()
      await gw.close()
      await up.close()
    }
  })
}

test('an upload that keeps moving is not cut, however long it takes', async () => {
  const clock = new ManualClock()
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url).replace('body: 1s }', 'body: 1s }, requestBuffering: 0'), { clock })
  const c = upload(gw.port, 10)
  try {
    for (let i = 0; i < 9; i++) {
      c.socket.write('x')
      await settle()
      clock.advance(600)
    }
    assert.equal(c.text(), '')
    c.socket.write('x')
    await until('the answer', () => c.text().includes('\r\n\r\n{'))
    assert.match(c.text(), /^HTTP\/1\.1 200 /)
    assert.match(c.text(), /"bodyLength":10/)
  } finally {
    c.socket.destroy()
    await gw.close()
    await up.close()
  }
})
