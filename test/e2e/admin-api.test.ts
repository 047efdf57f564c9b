// The admin API's read endpoints and POST /admin/validate against a real gateway: each answers
// with the token, refuses without it, and no answer carries a secret planted in the config.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type Serving } from '../../src/cli/serve.js'
import { startUpstream, type TestUpstream } from '../helpers/upstream.js'

const TOKEN = 'planted-admin-token-7f3a9c1e'
const AFFINITY = 'planted-affinity-secret-51c0de'
const JWT_SECRET = 'planted-jwt-secret-0123456789abcdef0123456789'
const UPSTREAM_KEY = 'planted-upstream-api-key-9d8e7f'
const MATCH_TOKEN = 'planted-match-token-4b4b4b'
const ENV_SECRET = 'planted-env-secret-a1b2c3'
// eslint-disable-next-line no-template-curly-in-string -- a config's env reference, not a template
const PORT_FROM_ENV = 'server: { port: "${PLANTED_ENV_SECRET}" }\n'
const SECRETS = [TOKEN, AFFINITY, JWT_SECRET, UPSTREAM_KEY, MATCH_TOKEN, ENV_SECRET]

const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-api-'))
const configPath = join(dir, 'sluice.yaml')
let up: TestUpstream
let running: Serving

const yaml = (): string => `server: { host: 127.0.0.1, port: 0, drainTimeout: 5s }
admin: { host: 127.0.0.1, port: 0, token: ${TOKEN} }
logging: { level: silent, accessLog: false }
auth:
  jwt:
    - { name: local, issuer: https://issuer.test, secret: "\${PLANTED_JWT_SECRET}", algorithms: [HS256] }
upstreams:
  app:
    affinity: { cookie: pin, secret: ${AFFINITY} }
    targets:
      - url: ${up.url}
        weight: 3
routes:
  - name: fallback
    match: { path: / }
    upstream: app
  - name: api
    match: { path: /api, headers: { authorization: ${MATCH_TOKEN} } }
    upstream: app
  - name: v1
    match: { path: /v1 }
    upstream: app
    transform:
      request:
        headers:
          set: { x-api-key: ${UPSTREAM_KEY}, x-trace: on }
`

before(async () => {
  process.env.PLANTED_JWT_SECRET = JWT_SECRET
  process.env.PLANTED_ENV_SECRET = ENV_SECRET
  up = await startUpstream('app')
  writeFileSync(configPath, yaml())
  running = await serve({ configPath, watch: false })
})

after(async () => {
  await running.stop()
  await up.close()
  rmSync(dir, { recursive: true, force: true })
  delete process.env.PLANTED_JWT_SECRET
  delete process.env.PLANTED_ENV_SECRET
})

const auth = { authorization: `Bearer ${TOKEN}` }
const admin = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${running.adminUrl}${path}`, init)
const getJson = async <T> (path: string): Promise<T> => {
  const res = await admin(path, { headers: auth })
  assert.equal(res.status, 200, path)
  return await res.json() as T
}

const GETS = ['/admin/status', '/admin/routes', '/admin/upstreams', '/admin/config', '/admin/stats', '/admin/openapi.json']

test('every /admin/* endpoint refuses a missing or wrong token with 401, and answers with it', async () => {
  for (const [method, path] of [...GETS.map(p => ['GET', p]), ['POST', '/admin/validate'], ['GET', '/admin/nope']] as const) {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`]) {
      const res = await admin(path, { method, headers: authorization ? { authorization } : {}, ...(method === 'POST' ? { body: 'routes: []' } : {}) })
      assert.equal(res.status, 401, `${method} ${path} with ${String(authorization)}`)
      assert.equal((await res.json() as { error: { code: string } }).error.code, 'SLC_UNAUTHENTICATED')
    }
  }
  for (const path of GETS) await getJson(path)
})

test('GET /admin/status: version, pid, workers, config file and hash, no reload yet', async () => {
  const s = await getJson<Record<string, unknown>>('/admin/status')
  assert.equal(s.pid, process.pid)
  assert.equal(s.mode, 'single')
  assert.equal(s.workers, 1)
  assert.equal(s.configFile, configPath)
  assert.match(String(s.configHash), /^[0-9a-f]{16}$/)
  assert.equal(s.serving, true)
  assert.equal(s.lastReload, null)
  assert.deepEqual(s.reloads, [])
  assert.match(String(s.version), /^\d+\.\d+\.\d+/)
  assert.ok(Date.parse(String(s.loadedAt)) <= Date.now())
})

test('GET /admin/routes: match order, match, stages and upstream', async () => {
  const { routes } = await getJson<{ routes: Array<{ name: string, upstream: string, stages: string[], match: unknown }> }>('/admin/routes')
  assert.deepEqual(routes.map(r => r.name), ['api', 'v1', 'fallback'])
  const v1 = routes.find(r => r.name === 'v1')!
  assert.equal(v1.upstream, 'app')
  assert.deepEqual(v1.stages.slice(-1), ['transform'])
  assert.deepEqual(v1.match, { path: '/v1' })
})

test('GET /admin/upstreams: each target with weight, in-flight and health; lastAttempt after traffic', async () => {
  const before = await getJson<{ upstreams: Array<{ name: string, targets: Array<Record<string, unknown>> }> }>('/admin/upstreams')
  assert.deepEqual(before.upstreams[0]?.targets[0], { url: up.url, weight: 3, inFlight: 0, health: 'healthy' })
  const res = await fetch(`${running.gatewayUrl}/v1/x`)
  assert.equal(res.status, 200)
  await res.arrayBuffer()
  const after = await getJson<typeof before>('/admin/upstreams')
  assert.deepEqual(after.upstreams[0]?.targets[0]?.lastAttempt, { code: 200, noResponseInRow: 0 })
})

test('GET /admin/config: the effective config with every secret redacted, the rest as loaded', async () => {
  const { config } = await getJson<{ config: any }>('/admin/config')
  assert.equal(config.admin.token, '[redacted]')
  assert.equal(config.upstreams.app.affinity.secret, '[redacted]')
  assert.equal(config.auth.jwt[0].secret, '[redacted]')
  assert.equal(config.routes[2].transform.request.headers.set['x-api-key'], '[redacted]')
  assert.equal(config.routes[2].transform.request.headers.set['x-trace'], 'on')
  assert.equal(config.upstreams.app.targets[0].url, up.url)
  assert.equal(config.server.drainTimeout, '5s')
})

test('POST /admin/validate: ok, or the located errors, never applied; env values read are scrubbed', async () => {
  const post = async (body: string): Promise<{ ok: boolean, issues?: string[] }> => {
    const res = await admin('/admin/validate', { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body })
    assert.equal(res.status, 200)
    return await res.json() as { ok: boolean, issues?: string[] }
  }
  assert.deepEqual(await post(yaml()), { ok: true })
  const bad = await post('upstreams: {}\nroutes:\n  - { name: a, match: { path: /a }, upstream: nowhere }\n' + PORT_FROM_ENV)
  assert.equal(bad.ok, false)
  assert.ok(bad.issues!.some(i => /^posted\.yaml:3:\d+ routes\[0\]\.upstream: unknown upstream "nowhere"/.test(i)), bad.issues!.join('\n'))
  assert.ok(bad.issues!.some(i => /server\.port/.test(i) && i.includes('[redacted]')), bad.issues!.join('\n'))
  const routes = await getJson<{ routes: unknown[] }>('/admin/routes')
  assert.equal(routes.routes.length, 3, 'the validated config was not applied')
  const big = await admin('/admin/validate', { method: 'POST', headers: auth, body: 'x'.repeat(1024 * 1024 + 1) })
  assert.equal(big.status, 413)
})

test('no admin answer carries a planted secret', async () => {
  const bodies: string[] = []
  for (const path of GETS) bodies.push(await (await admin(path, { headers: auth })).text())
  bodies.push(await (await admin('/admin/validate', { method: 'POST', headers: auth, body: yaml() })).text())
  bodies.push(await (await admin('/admin/validate', { method: 'POST', headers: auth, body: PORT_FROM_ENV })).text())
  for (const path of ['/healthz', '/readyz', '/metrics']) bodies.push(await (await admin(path)).text())
  for (const body of bodies) for (const s of SECRETS) assert.ok(!body.includes(s), `a response carries ${s}: ${body.slice(0, 200)}`)
})

test('GET /admin/openapi.json is OpenAPI 3.1, and every documented path answers with its documented shape', async () => {
  const { Value } = await import('@sinclair/typebox/value')
  const { FormatRegistry } = await import('@sinclair/typebox')
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', v => /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v)))
  const S = await import('../../src/admin/api-schema.js')
  const { OPERATIONS } = await import('../../src/admin/openapi.js')
  const doc = await getJson<{ openapi: string, paths: Record<string, Record<string, unknown>> }>('/admin/openapi.json')
  assert.equal(doc.openapi, '3.1.0')
  assert.deepEqual(Object.keys(doc.paths).sort(), Object.keys(OPERATIONS).sort())
  for (const [path, ops] of Object.entries(OPERATIONS)) {
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path} documented`)
      const body = op.body === true ? { body: yaml() } : {}
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(op.example?.[name] ?? ''))
      const res = await admin(concrete, { method: method.toUpperCase(), headers: auth, ...body })
      assert.equal(res.status, 200, `${method} ${path}`)
      const answer = await res.json() as unknown
      if (op.schema === undefined) continue
      const schema = S[op.schema]
      const errors = [...Value.Errors(schema, answer)].map(e => `${e.path}: ${e.message}`)
      assert.deepEqual(errors, [], `${method} ${path} answers as documented`)
    }
  }
})

test('a failed reload shows in /admin/status with its file:line, the config in service unchanged', async () => {
  const before = await getJson<{ configHash: string, loadedAt: string }>('/admin/status')
  writeFileSync(configPath, yaml().replace('upstream: app\n    transform', 'upstream: nowhere\n    transform'))
  const res = await admin('/admin/reload', { method: 'POST', headers: auth })
  assert.equal(res.status, 400)
  await res.arrayBuffer()
  const s = await getJson<{ configHash: string, loadedAt: string, lastReload: { result: string, issues: string[] }, reloads: unknown[] }>('/admin/status')
  assert.equal(s.lastReload.result, 'failure')
  assert.match(s.lastReload.issues.join('\n'), /sluice\.yaml:\d+:\d+ routes\[2\]\.upstream: unknown upstream "nowhere"/)
  assert.equal(s.configHash, before.configHash)
  assert.equal(s.loadedAt, before.loadedAt)
  writeFileSync(configPath, yaml())
  assert.equal((await admin('/admin/reload', { method: 'POST', headers: auth })).status, 200)
  const again = await getJson<typeof s>('/admin/status')
  assert.equal(again.lastReload.result, 'success')
  assert.equal(again.reloads.length, s.reloads.length + 1)
  assert.deepEqual(again.reloads[1], s.lastReload)
})

test('the dashboard page and its files are served without the token, under a same-origin-only CSP', async () => {
  for (const [path, type] of [['/', 'text/html'], ['/dashboard', 'text/html'], ['/dashboard/dashboard.js', 'text/javascript'], ['/dashboard/dashboard.css', 'text/css']] as const) {
    const res = await admin(path)
    assert.equal(res.status, 200, path)
    assert.match(res.headers.get('content-type') ?? '', new RegExp(`^${type}`), path)
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self';.*connect-src 'self'/, path)
    assert.ok((await res.text()).length > 0)
  }
  const missing = await admin('/dashboard/../package.json')
  assert.notEqual(missing.status, 200)
  await missing.arrayBuffer()
})
