// The key management admin API against a running gateway (file store): every endpoint refuses
// without the admin token (GET included); a key created over HTTP works on the data plane, a
// rotate keeps both during the grace, a DELETE revokes; no reply, list or log line holds a
// secret or a hash.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { serve } from '../../src/cli/serve.js'
import type { Serving } from '../../src/cli/serve.js'
import { createLogger } from '../../src/observability/logger.js'
import { send } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

const TOKEN = 'admin-token-0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-keys-'))
const logs: string[] = []
let up: TestUpstream
let running: Serving

before(async () => {
  up = await startUpstream('up')
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, `server: { host: 127.0.0.1, port: 0 }
admin: { host: 127.0.0.1, port: 0, token: ${TOKEN} }
consumers:
  acme: { plan: pro, scopes: [orders:read, orders:write], metadata: { team: payments } }
  globex: { scopes: [orders:read] }
auth: { apiKeys: { store: { type: file, path: keys.json } } }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes: [{ name: orders, match: { path: /orders }, upstream: a, auth: { methods: [apiKey], scopes: [orders:read] } }]
`)
  const destination = new Writable({ write (chunk, _enc, cb) { logs.push(String(chunk)); cb() } })
  running = await serve({ configPath: file, watch: false, logger: createLogger({ level: 'info', destination }) })
})

after(async () => {
  await running.stop()
  await up.close()
  rmSync(dir, { recursive: true, force: true })
})

function admin (method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${running.adminUrl}${path}`, {
    method,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

async function works (key: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const s = (await send(running.gatewayUrl, '/orders', { headers: { 'x-api-key': key } })).status
    if (s === 200) return s
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return (await send(running.gatewayUrl, '/orders', { headers: { 'x-api-key': key } })).status
}

test('every key endpoint refuses without the admin token, GET included', async () => {
  for (const [method, path] of [['GET', '/admin/keys'], ['POST', '/admin/keys'], ['GET', '/admin/consumers'],
    ['POST', '/admin/keys/0123456789abcdef/rotate'], ['DELETE', '/admin/keys/0123456789abcdef']] as const) {
    for (const token of [null, 'wrong-token-0123456789']) {
      const res = await admin(method, path, method === 'POST' ? { consumer: 'acme' } : undefined, token)
      assert.equal(res.status, 401, `${method} ${path}`)
      assert.equal((await res.json() as { error: { code: string } }).error.code, 'SLC_UNAUTHENTICATED')
    }
  }
})

test('create, use, rotate, revoke over HTTP; nothing secret in lists, the store or logs', async () => {
  const created = await admin('POST', '/admin/keys', { consumer: 'acme', scopes: ['orders:read'], name: 'ci', expires: '90d' })
  assert.equal(created.status, 201)
  const c = await created.json() as { key: string, id: string, consumer: string, scopes: string[], expires: string }
  assert.match(c.key, /^slk_[0-9a-f]{16}_/)
  assert.equal(c.consumer, 'acme')
  assert.deepEqual(c.scopes, ['orders:read'])
  assert.equal(await works(c.key), 200)

  const rotated = await admin('POST', `/admin/keys/${c.id}/rotate`, { grace: '1h' })
  assert.equal(rotated.status, 201)
  const r = await rotated.json() as { key: string, id: string }
  assert.equal(await works(r.key), 200)
  assert.equal(await works(c.key), 200, 'the old key works during the grace')

  const revoked = await admin('DELETE', `/admin/keys/${r.id}`)
  assert.equal(revoked.status, 200)
  assert.equal((await revoked.json() as { status: string }).status, 'revoked')
  let status = 200
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await send(running.gatewayUrl, '/orders', { headers: { 'x-api-key': r.key } })).status
    if (status === 200) await new Promise(resolve => setTimeout(resolve, 20))
  }
  assert.equal(status, 401)

  const list = await (await admin('GET', '/admin/keys')).text()
  const consumers = await (await admin('GET', '/admin/consumers')).json() as { consumers: Array<{ id: string, activeKeys: number, metadata: object }> }
  assert.deepEqual(consumers.consumers.map(x => [x.id, x.activeKeys]), [['acme', 1], ['globex', 0]])
  assert.deepEqual(consumers.consumers[0]!.metadata, { team: 'payments' })
  const stored = readFileSync(join(dir, 'keys.json'), 'utf8')
  running.logger.flush()
  for (const key of [c.key, r.key]) {
    const secret = key.slice(21)
    for (const [what, text] of [['list', list], ['store', stored], ['logs', logs.join('')]]) {
      assert.ok(!text!.includes(secret), `${what} holds a secret`)
    }
  }
  for (const m of stored.matchAll(/"hash": "([0-9a-f]+)"/g)) assert.ok(!list.includes(m[1]!), 'the list holds a hash')
})

test('bad requests: unknown consumer, scopes beyond the consumer, unknown id', async () => {
  const unknown = await admin('POST', '/admin/keys', { consumer: 'nobody' })
  assert.equal(unknown.status, 400)
  assert.equal((await unknown.json() as { error: { code: string } }).error.code, 'SLC_KEY_INVALID')
  const beyond = await admin('POST', '/admin/keys', { consumer: 'globex', scopes: ['orders:write'] })
  assert.equal(beyond.status, 400)
  const missing = await admin('DELETE', '/admin/keys/0123456789abcdef')
  assert.equal(missing.status, 404)
  assert.equal((await missing.json() as { error: { code: string } }).error.code, 'SLC_KEY_NOT_FOUND')
})
