// server.workers: 2 — the primary's admin API answers with the state of every worker.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../helpers/free-port.js'
import { spawnSluice } from '../helpers/sluice-process.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-cluster-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const TOKEN = 'cluster-admin-token-0123456789'

/** A fresh connection per request, so node:cluster spreads them over the workers. */
function get (port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)) })
    req.on('error', reject)
    req.end()
  })
}

test('cluster: status, stats, upstreams and routes come from every worker', { timeout: 60_000 }, async (t) => {
  const upstream = createServer((_req, res) => res.end('ok'))
  await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>(resolve => upstream.close(() => resolve())))
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  const [port, adminPort] = [await freePort(), await freePort()]
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, `
server: { port: ${port}, workers: 2 }
admin: { port: ${adminPort}, token: ${TOKEN} }
logging: { level: info, accessLog: false }
upstreams: { up: { targets: [{ url: ${upstreamUrl} }] } }
routes: [{ name: a, match: { path: /a }, upstream: up }]
`)
  const running = spawnSluice(['start', '-c', file], dir)
  t.after(() => { running.child.kill('SIGKILL') })
  await running.waitFor(/sluice listening[\s\S]*sluice listening/)
  const admin = async <T> (path: string): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${adminPort}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    assert.equal(res.status, 200, path)
    return await res.json() as T
  }

  assert.equal((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status, 200)
  for (let i = 0; i < 20; i++) assert.equal(await get(port, '/a'), 200)

  const status = await admin<{ mode: string, pid: number, workers: number, workerStates: Array<{ pid: number, serving: boolean, configHash: string }> }>('/admin/status')
  assert.equal(status.mode, 'cluster')
  assert.equal(status.workers, 2)
  assert.equal(status.pid, running.child.pid)
  assert.equal(status.workerStates.length, 2)
  assert.equal(new Set(status.workerStates.map(w => w.pid)).size, 2)
  assert.ok(status.workerStates.every(w => w.serving && w.configHash === status.workerStates[0]!.configHash))

  const stats = await admin<{ routes: Array<{ route: string, requests: number }> }>('/admin/stats')
  assert.equal(stats.routes.find(r => r.route === 'a')?.requests, 20, 'both workers\' counts add up')

  const ups = await admin<{ upstreams: Array<{ name: string, targets: Array<{ url: string, lastAttempt?: { code: number } }> }> }>('/admin/upstreams')
  assert.equal(ups.upstreams.length, 1)
  assert.equal(ups.upstreams[0]!.targets.length, 1, 'one entry per target, not one per worker')
  assert.equal(ups.upstreams[0]!.targets[0]!.lastAttempt?.code, 200)

  const routes = await admin<{ routes: Array<{ name: string }> }>('/admin/routes')
  assert.deepEqual(routes.routes.map(r => r.name), ['a'])

  running.child.kill('SIGTERM')
  assert.equal(await running.exited(), 0)
})
