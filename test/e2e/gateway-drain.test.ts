import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'

const yaml = (url: string): string => `
server: { port: 0, drainTimeout: 10s }
upstreams: { up: { targets: [{ url: ${url} }] } }
routes: [{ name: all, match: { path: / }, upstream: up }]
`

test('close() lets an in-flight slow request finish and refuses new connections', async () => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url))
  try {
    assert.equal(gw.gateway.serving, true)
    const slow = send(gw.url, '/slow', { headers: { 'x-mode': 'hold' } })
    await up.waitForHeld(1)
    let closed = false
    const closing = gw.gateway.close().then(() => { closed = true })
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(gw.gateway.serving, false)
    await assert.rejects(send(gw.url, '/new'), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED')
    assert.equal(closed, false, 'still draining while a request is in flight')
    up.release()
    const r = await slow
    assert.equal(r.status, 200)
    assert.equal(r.headers.connection, 'close')
    await closing
    assert.equal(closed, true)
  } finally {
    await gw.close()
    await up.close()
  }
})

test('the drain deadline cuts what is left', async () => {
  const clock = new ManualClock()
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url), { clock })
  try {
    const stuck = send(gw.url, '/stuck', { headers: { 'x-mode': 'stall' } }).then(() => 'answered', () => 'cut')
    for (let i = 0; i < 200 && up.requests === 0; i++) await new Promise(resolve => setTimeout(resolve, 5))
    const closing = gw.gateway.close()
    clock.advance(9_999)
    await new Promise(resolve => setImmediate(resolve))
    clock.advance(1)
    assert.equal(await stuck, 'cut')
    await closing
  } finally {
    await gw.close()
    await up.close()
  }
})
