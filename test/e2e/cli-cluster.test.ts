// `sluice start` with server.workers: 2 — the primary owns the admin listener, so a scrape sums
// every worker's counters and POST /admin/reload answers for all of them.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { freePort } from '../helpers/free-port.js'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSluice } from '../helpers/sluice-process.js'
import { within } from '../helpers/wait.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-admin-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** A fresh connection per request, so node:cluster spreads them over the workers. */
function get (port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)) })
    req.on('error', reject)
    // A CI run once hung somewhere in this test until the runner's 60 s timeout: every step is bounded.
    req.setTimeout(10_000, () => { req.destroy(new Error(`GET ${path} got no answer in 10 s`)) })
    req.end()
  })
}

const TOKEN = 'cluster-admin-token-0123456789'
const config = (port: number, adminPort: number, upstream: string, routes: string): string => `
server: { port: ${port}, workers: 2 }
admin: { port: ${adminPort}, token: ${TOKEN} }
logging: { level: info, accessLog: false }
upstreams: { up: { targets: [{ url: ${upstream} }] } }
routes: ${routes}
`

test('cluster: admin in the primary aggregates metrics and fans reloads out to every worker', { timeout: 60_000 }, async (t) => {
  const upstream = createServer((_req, res) => res.end('ok'))
  await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>(resolve => upstream.close(() => resolve())))
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  const [port, adminPort] = [await freePort(), await freePort()]
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, config(port, adminPort, upstreamUrl, '[{ name: a, match: { path: /a }, upstream: up }]'))

  const running = spawnSluice(['start', '-c', file], dir)
  t.after(() => { running.child.kill('SIGKILL') })
  await running.waitFor(/sluice listening[\s\S]*sluice listening/)

  for (let i = 0; i < 20; i++) assert.equal(await get(port, '/a'), 200)
  const metrics = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()
  const m = /sluice_http_requests_total\{[^}]*route="a"[^}]*code="200"[^}]*\} (\d+)/.exec(metrics)
  assert.equal(Number(m?.[1]), 20, 'the scrape sums both workers')
  assert.match(metrics, /^sluice_build_info\{version="[^"]+"\} 1$/m, 'info gauges: the max over workers, not the sum')
  assert.match(metrics, /^sluice_config_info\{hash="[0-9a-f]{16}"\} 1$/m)
  assert.match(metrics, /^sluice_process_resident_memory_bytes \d/m, 'process metrics reach the primary too')
  assert.equal((await fetch(`http://127.0.0.1:${adminPort}/healthz`, { signal: AbortSignal.timeout(10_000) })).status, 200)

  const reload = () => fetch(`http://127.0.0.1:${adminPort}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) })
  writeFileSync(file, config(port, adminPort, upstreamUrl, '[{ name: a, match: { path: /a }, upstream: nowhere }]'))
  const bad = await reload()
  assert.equal(bad.status, 400)
  const body = await bad.json() as { error: { code: string, issues: string[] } }
  assert.equal(body.error.code, 'SLC_CONFIG_INVALID')
  assert.match(body.error.issues.join('\n'), /sluice\.yaml:\d+:\d+ routes\[0\]\.upstream: unknown upstream "nowhere"/)

  writeFileSync(file, config(port, adminPort, upstreamUrl, '[{ name: a, match: { path: /a }, upstream: up }, { name: b, match: { path: /b }, upstream: up }]'))
  assert.equal((await reload()).status, 200)
  for (let i = 0; i < 10; i++) assert.equal(await get(port, '/b'), 200, 'every worker serves the new route')

  running.child.kill('SIGTERM')
  assert.equal(await within(running.exit, 20_000, 'no exit after SIGTERM').catch((err: Error) => {
    throw new Error(`${err.message}:\n${running.output()}`)
  }), 0)
})
