import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'

const yaml = (url: string): string => `
server: { port: 0, drainTimeout: 10s }
upstreams: { up: { targets: [{ url: ${url} }] } }
routes: [{ name: all, match: { path: / }, upstream: up }]
`

async function inFlightGauge (gw: TestGateway): Promise<number> {
  const { values } = await gw.gateway.metrics.httpInFlight.get()
  return values[0]?.value ?? NaN
}

test('close() lets an in-flight slow request finish and refuses new connections', async () => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url))
  try {
    assert.equal(gw.gateway.serving, true)
    // A keep-alive request, so that `connection: close` on its answer can only come from the drain.
    const slow = send(gw.url, '/slow', { headers: { 'x-mode': 'hold', connection: 'keep-alive' } })
    await up.waitForHeld(1)
    let closed = false
    const closing = gw.gateway.close().then(() => { closed = true })
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(gw.gateway.serving, false)
    await assert.rejects(send(gw.url, '/new'), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED')
    assert.equal(closed, false, 'still draining while a request is in flight')
    assert.equal(await inFlightGauge(gw), 1)
    up.release()
    const r = await slow
    assert.equal(r.status, 200)
    assert.equal(r.headers.connection, 'close')
    await closing
    assert.equal(closed, true)
    assert.equal(await inFlightGauge(gw), 0, 'the in-flight gauge is back to 0 after the drain')
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
    await up.waitForRequests(1)
    assert.equal(await inFlightGauge(gw), 1)
    const closing = gw.gateway.close()
    clock.advance(9_999)
    await new Promise(resolve => setImmediate(resolve))
    clock.advance(1)
    assert.equal(await stuck, 'cut')
    await closing
    assert.equal(await inFlightGauge(gw), 0, 'a request cut by the drain deadline leaves the gauge too')
  } finally {
    await gw.close()
    await up.close()
  }
})
