// The admin listener in front of a real gateway, a real upstream and real sockets.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type Serving } from '../../src/cli/serve.js'
import { createAdminServer } from '../../src/admin/server.js'
import { localAdminTarget } from '../../src/admin/local.js'
import { systemClock } from '../../src/core/clock.js'
import { METRIC_DEFS } from '../../src/observability/metrics.js'

const TOKEN = 'admin-token-0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-'))
const configPath = join(dir, 'sluice.yaml')
let upstream: Server
let upstreamUrl: string
// Resolves with the function that answers the held /v1/slow request once the upstream has it.
let slowArrived: (release: () => void) => void
const slowHeld = new Promise<() => void>((resolve) => { slowArrived = resolve })
let running: Serving

const yaml = (path: string): string => `server: { host: 127.0.0.1, port: 0, drainTimeout: 5s }
admin: { host: 127.0.0.1, port: 0, token: ${TOKEN} }
logging: { level: silent, accessLog: false }
upstreams:
  app:
    targets:
      - url: ${upstreamUrl}
routes:
  - name: app
    match: { path: ${path} }
    upstream: app
`

before(async () => {
  upstream = createServer((req, res) => {
    const answer = (): void => { res.end(`upstream saw ${req.url}`) }
    if (req.url === '/v1/slow') slowArrived(answer)
    else answer()
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  writeFileSync(configPath, yaml('/v1'))
  running = await serve({ configPath, watch: false })
})

after(async () => {
  await running.stop()
  await new Promise<void>((resolve) => upstream.close(() => resolve()))
  rmSync(dir, { recursive: true, force: true })
})

const admin = (path: string, init?: RequestInit): Promise<Response> => fetch(`${running.adminUrl}${path}`, init)
const reload = (authorization?: string): Promise<Response> =>
  admin('/admin/reload', { method: 'POST', headers: authorization ? { authorization } : {} })

test('GET /healthz answers 200 {"status":"ok"} while serving', async () => {
  const res = await admin('/healthz')
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { status: 'ok' })
})

test('GET /metrics serves Prometheus text with every declared metric and live samples', async () => {
  const proxied = await fetch(`${running.gatewayUrl}/v1/x`)
  assert.equal(proxied.status, 200)
  await proxied.arrayBuffer()
  const res = await admin('/metrics')
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
  const text = await res.text()
  for (const d of Object.values(METRIC_DEFS)) assert.match(text, new RegExp(`^# TYPE ${d.name} ${d.type}$`, 'm'), d.name)
  assert.match(text, /^sluice_http_requests_total\{[^}]*route="app"[^}]*\} [1-9]/m)
})

test('POST /admin/reload without or with a wrong token is 401, in constant-time compare', async () => {
  for (const auth of [undefined, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}0`, `Bearer ${TOKEN.slice(0, -1)}X`, TOKEN]) {
    const res = await reload(auth)
    assert.equal(res.status, 401, String(auth))
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sluice-admin"')
    const body = await res.json() as { error: { code: string, requestId: string } }
    assert.equal(body.error.code, 'SLC_UNAUTHENTICATED')
    assert.equal(body.error.requestId, res.headers.get('x-request-id'))
  }
})

test('POST /admin/reload with the token swaps in the edited config', async () => {
  writeFileSync(configPath, yaml('/v2'))
  const res = await reload(`Bearer ${TOKEN}`)
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { result: 'success' })
  assert.equal((await fetch(`${running.gatewayUrl}/v2/y`)).status, 200)
  const old = await fetch(`${running.gatewayUrl}/v1/x`)
  assert.equal(old.status, 404)
  await old.arrayBuffer()
})

test('POST /admin/reload of a broken file is 400 with located errors; the old config keeps serving', async () => {
  writeFileSync(configPath, yaml('/v2').replace('upstream: app', 'upstream: nope'))
  const res = await reload(`Bearer ${TOKEN}`)
  assert.equal(res.status, 400)
  const body = await res.json() as { error: { code: string, message: string, issues: string[] } }
  assert.equal(body.error.code, 'SLC_CONFIG_INVALID')
  assert.ok(body.error.issues.some((i) => /sluice\.yaml:\d+:\d+ routes\[0\]\.upstream/.test(i)), body.error.message)
  const still = await fetch(`${running.gatewayUrl}/v2/y`)
  assert.equal(still.status, 200)
  await still.arrayBuffer()
  writeFileSync(configPath, yaml('/v1'))
  assert.equal((await reload(`Bearer ${TOKEN}`)).status, 200)
})

test('without admin.token, POST /admin/* is 403 and says how to enable it', async () => {
  const open = createAdminServer({ host: '127.0.0.1', port: 0 }, { target: localAdminTarget(running.gateway, systemClock) })
  const { port } = await open.listen()
  try {
    const res = await fetch(`http://127.0.0.1:${port}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })
    assert.equal(res.status, 403)
    const body = await res.json() as { error: { code: string, message: string } }
    assert.equal(body.error.code, 'SLC_FORBIDDEN')
    assert.match(body.error.message, /admin\.token/)
  } finally {
    await open.close()
  }
})

test('unknown paths and wrong methods are 404 JSON errors carrying the request id', async () => {
  const res = await admin('/nope', { headers: { 'x-request-id': 'abc-123' } })
  assert.equal(res.status, 404)
  assert.deepEqual(await res.json(),
    { error: { code: 'SLC_ROUTE_NOT_FOUND', message: 'No admin endpoint GET /nope', requestId: 'abc-123' } })
  const wrong = await admin('/admin/reload', { headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(wrong.status, 404)
  assert.equal(wrong.headers.get('allow'), 'POST')
  await wrong.arrayBuffer()
})

test('GET /readyz answers 503 while the gateway drains an in-flight request; /healthz (liveness) stays 200', async () => {
  const before = await admin('/readyz')
  assert.equal(before.status, 200)
  assert.deepEqual(await before.json(), { status: 'ready' })
  const slow = fetch(`${running.gatewayUrl}/v1/slow`)
  const release = await slowHeld
  const stopping = running.gateway.close()
  const res = await admin('/readyz')
  assert.equal(res.status, 503)
  assert.deepEqual(await res.json(), { status: 'unavailable' })
  const live = await admin('/healthz')
  assert.equal(live.status, 200)
  assert.deepEqual(await live.json(), { status: 'ok' })
  release()
  assert.equal(await (await slow).text(), 'upstream saw /v1/slow')
  await stopping
})
