// `sluice start` and `sluice demo` as child processes: serve real traffic, then stop on a signal
// and exit 0. Run from a temp dir so the package must find its own files (examples/, package.json).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSluice as spawnRaw, type Running } from '../helpers/sluice-process.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-serve-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const spawnSluice = (args: string[]): Running => spawnRaw(args, dir)

test('start serves a request through to a real upstream, then SIGTERM drains and exits 0', async (t) => {
  const upstream = createServer((req, res) => res.end(`hello from upstream ${req.url}`))
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => upstream.close(() => resolve())))
  const port = (upstream.address() as AddressInfo).port
  writeFileSync(join(dir, 'start.yaml'), `server: { host: 127.0.0.1, port: 0 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: info, accessLog: false }
upstreams:
  app:
    targets: [{ url: http://127.0.0.1:${port} }]
routes:
  - name: app
    match: { path: /api }
    stripPrefix: /api
    upstream: app
`)
  const sluice = spawnSluice(['start', '-c', 'start.yaml'])
  t.after(() => { sluice.child.kill('SIGKILL') })
  const [, gw, admin] = await sluice.waitFor(/"url":"(http:\/\/[^"]+)","admin":"(http:\/\/[^"]+)"/)
  const res = await fetch(`${gw}/api/things?x=1`)
  assert.equal(res.status, 200)
  assert.equal(await res.text(), 'hello from upstream /things?x=1')
  assert.equal((await fetch(`${admin}/healthz`)).status, 200)
  sluice.child.kill('SIGTERM')
  assert.equal(await sluice.exited(), 0, sluice.output())
})

test('demo starts services and a gateway, balances /api/users, and stops on SIGINT with exit 0', async (t) => {
  const sluice = spawnSluice(['demo', '--port', '0', '--admin-port', '0'])
  t.after(() => { sluice.child.kill('SIGKILL') })
  await sluice.waitFor(/Press Ctrl-C to stop/)
  const [, gw] = await sluice.waitFor(/gateway {2}(http:\/\/\S+)/)
  assert.match(sluice.output(), new RegExp(`curl -s ${gw!.replaceAll('.', '\\.')}/api/users/1`))
  const instances = new Set<string>()
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${gw}/api/users/2`)
    assert.equal(res.status, 200)
    const body = await res.json() as { instance: string, user: { name: string } }
    assert.equal(body.user.name, 'Grace Hopper')
    instances.add(body.instance)
  }
  assert.deepEqual([...instances].sort(), ['users-1', 'users-2'])
  const order = await fetch(`${gw}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"tea"}' })
  assert.equal(order.status, 201)
  assert.equal((await order.json() as { order: { item: string } }).order.item, 'tea')
  sluice.child.kill('SIGINT')
  assert.equal(await sluice.exited(), 0, sluice.output())
})

test('start on a taken port names the config key and its line; a bare-number timeout is warned about first', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => taken.close(() => resolve())))
  const port = (taken.address() as AddressInfo).port
  const file = join(dir, 'taken.yaml')
  writeFileSync(file, `server:
  host: 127.0.0.1
  port: ${port}
admin: { host: 127.0.0.1, port: 0 }
upstreams:
  app:
    targets: [{ url: "http://127.0.0.1:1" }]
    timeouts: { connect: 5 }
routes: []
`)
  const sluice = spawnSluice(['start', 'taken.yaml'])
  t.after(() => { sluice.child.kill('SIGKILL') })
  assert.equal(await sluice.exited(), 1, sluice.output())
  assert.equal(sluice.output(), [
    `sluice: warning: ${file}:8:26 upstreams.app.timeouts.connect: 5 is read as 5ms; write 5s if seconds were meant, or "5ms" to keep it and silence this warning`,
    `${file}:3:9 server.port: cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE)`,
    '',
  ].join('\n'))
})

test('a taken admin port names admin.port', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => taken.close(() => resolve())))
  const port = (taken.address() as AddressInfo).port
  const file = join(dir, 'taken-admin.yaml')
  writeFileSync(file, `server: { host: 127.0.0.1, port: 0 }\nadmin: { host: 127.0.0.1, port: ${port} }\nupstreams: {}\nroutes: []\n`)
  const sluice = spawnSluice(['start', '-c', 'taken-admin.yaml'])
  t.after(() => { sluice.child.kill('SIGKILL') })
  assert.equal(await sluice.exited(), 1, sluice.output())
  assert.match(sluice.output(), new RegExp(`^${file.replaceAll('.', '\\.')}:2:33 admin\\.port: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(EADDRINUSE\\)\\n$`))
})
