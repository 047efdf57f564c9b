// After drainTimeout every remaining exchange and upstream socket is cut: on shutdown (SIGTERM, a
// real process) and for the pools an old snapshot dropped on reload (injected clock).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import { spawnSluice } from '../helpers/sluice-process.js'
import { startUpstream } from '../helpers/upstream.js'
import { until, within } from '../helpers/wait.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-drain-cut-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('SIGTERM exits after drainTimeout with pipelined requests queued behind a full pool of an upstream that never answers', async (t) => {
  const held: IncomingMessage[] = []
  const upstream = createServer((req) => { held.push(req) })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    upstream.closeAllConnections()
    return new Promise<void>((resolve) => upstream.close(() => resolve()))
  })
  writeFileSync(join(dir, 'sluice.yaml'), `server: { port: 0, drainTimeout: 500ms }
admin: { port: 0 }
logging: { level: info, accessLog: false }
upstreams:
  app:
    targets: [{ url: http://127.0.0.1:${(upstream.address() as AddressInfo).port} }]
    pool: { connections: 4 }
routes: [{ name: app, match: { path: / }, upstream: app }]
`)
  const sluice = spawnSluice(['start', '-c', 'sluice.yaml'], dir)
  t.after(() => { sluice.child.kill('SIGKILL') })
  const [, gw] = await sluice.waitFor(/"url":"(http:\/\/[^"]+)"/)
  const clients: Socket[] = []
  for (let i = 0; i < 10; i++) {
    const s = connect(Number(new URL(gw!).port), '127.0.0.1')
    s.on('error', () => {})
    s.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n')
    clients.push(s)
  }
  t.after(() => { for (const s of clients) s.destroy() })
  await until('the pool full', () => held.length === 4)
  sluice.child.kill('SIGTERM')
  assert.equal(await within(sluice.exit, 10_000, 'still running after SIGTERM'), 0, sluice.output())
  // The 26 requests queued behind the pool were never sent once their clients were cut.
  assert.equal(held.length, 4)
})

const yaml = (url: string): string => `
server: { port: 0, drainTimeout: 5s }
upstreams: { up: { targets: [{ url: ${url} }] } }
routes: [{ name: all, match: { path: / }, upstream: up }]
logging: { accessLog: false }
`

test('a reload cuts the dropped pools drainTimeout later, even while a request still holds them', async () => {
  const clock = new ManualClock()
  const a = await startUpstream('a')
  const b = await startUpstream('b')
  const gw = await startGateway(yaml(a.url), { clock })
  try {
    const stuck = send(gw.url, '/stuck', { headers: { 'x-mode': 'stall' } }).then(r => r.status, () => 'cut')
    await until('the request held at a', () => a.requests === 1)
    assert.deepEqual(await gw.reload(yaml(b.url)), { ok: true })
    assert.equal((await send(gw.url, '/new')).headers['x-upstream'], 'b')
    clock.advance(4999)
    await new Promise(resolve => setTimeout(resolve, 50))
    assert.equal(a.openSockets, 1, 'cut before drainTimeout')
    clock.advance(1)
    await until('the dropped pool closed', () => a.openSockets === 0)
    assert.equal(await stuck, 502)
  } finally {
    const closing = gw.close()
    clock.advance(60_000)
    await closing
    await a.close()
    await b.close()
  }
})
