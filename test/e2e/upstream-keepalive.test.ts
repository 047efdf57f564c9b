// Upstream connections are pooled and kept alive: requests from many short client connections
// reuse the gateway's few upstream sockets instead of opening one per request.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let gw: TestGateway

before(async () => {
  up = await startUpstream('up')
  gw = await startGateway(`
upstreams: { up: { targets: [{ url: ${up.url} }], pool: { keepAliveTimeout: 1h } } }
routes: [{ name: all, match: { path: / }, upstream: up }]
`)
})

after(async () => {
  await gw.close()
  await up.close()
})

test('sequential requests, each on its own client connection, share one upstream connection', async () => {
  for (let i = 0; i < 10; i++) assert.equal((await send(gw.url, `/get/${i}`)).status, 200)
  for (let i = 0; i < 5; i++) assert.equal((await send(gw.url, '/post', { method: 'POST', body: 'x'.repeat(1000 * i) })).status, 200)
  assert.equal(up.connections, 1, 'one upstream connection for all 15 requests')
  assert.equal(up.openSockets, 1, 'and it stays open')
})

test('concurrent requests open one connection each; later requests reuse them, no new ones', async () => {
  const held = Array.from({ length: 4 }, () => send(gw.url, '/held', { headers: { 'x-mode': 'hold' } }))
  await up.waitForHeld(4)
  up.release()
  for (const r of await Promise.all(held)) assert.equal(r.status, 200)
  const opened = up.connections
  assert.equal(up.openSockets, 4)
  const burst = await Promise.all(Array.from({ length: 4 }, () => send(gw.url, '/again')))
  for (const r of burst) assert.equal(r.status, 200)
  for (let i = 0; i < 6; i++) assert.equal((await send(gw.url, '/seq')).status, 200)
  assert.equal(up.connections, opened, 'ten more requests, no new upstream connection')
})
