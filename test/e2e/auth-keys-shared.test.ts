// API key changes reach every process within 1 s without a reload: two cluster workers sharing
// a file store (`sluice start` with server.workers: 2, keys made with `sluice keys`), and two
// gateway instances sharing a real redis-server.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../../src/core/clock.js'
import { createKey, revokeKey } from '../../src/core/keys/manage.js'
import { RedisKeyStore } from '../../src/core/keys/redis-store.js'
import { freePort } from '../helpers/free-port.js'
import { send, startGateway } from '../helpers/gateway.js'
import { REDIS_SKIP_REASON, startRedis } from '../helpers/redis-server.js'
import { spawnSluice } from '../helpers/sluice-process.js'
import { startUpstream } from '../helpers/upstream.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-keys-shared-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** A fresh connection per request, so node:cluster spreads them over the workers. */
function get (port: number, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/orders', agent: false, headers: { 'x-api-key': key } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Polls until `probe` answers `status` `times` in a row (every worker, over fresh connections); bounded by 1 s. */
async function within1s (probe: () => Promise<number>, status: number, times = 10): Promise<void> {
  const t0 = Date.now()
  for (;;) {
    let ok = 0
    while (ok < times && await probe() === status) ok++
    if (ok === times) return
    if (Date.now() - t0 > 1000) assert.fail(`not every answer was ${status} within 1 s`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

test('file store, server.workers: 2: a CLI create and revoke reach both workers within 1 s', { timeout: 60_000 }, async (t) => {
  const up = await startUpstream('up')
  t.after(() => up.close())
  const port = await freePort()
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, `
server: { port: ${port}, workers: 2 }
admin: { port: ${await freePort()} }
logging: { level: info, accessLog: false }
consumers: { acme: { scopes: [orders:read] } }
auth: { apiKeys: { store: { type: file, path: keys.json } } }
upstreams: { up: { targets: [{ url: ${up.url} }] } }
routes: [{ name: orders, match: { path: /orders }, upstream: up, auth: { methods: [apiKey] } }]
`)
  const running = spawnSluice(['start', '-c', file], dir)
  t.after(() => { running.child.kill('SIGKILL') })
  await running.waitFor(/sluice listening[\s\S]*sluice listening/)

  const created = spawnSluice(['keys', 'create', '--consumer', 'acme', '-c', file], dir)
  assert.equal(await created.exited(), 0, created.output())
  const key = /slk_\S+/.exec(created.output())![0]
  await within1s(() => get(port, key), 200)

  const revoked = spawnSluice(['keys', 'revoke', key.slice(4, 20), '-c', file], dir)
  assert.equal(await revoked.exited(), 0, revoked.output())
  await within1s(() => get(port, key), 401)
})

test('redis store: two gateway instances see each other\'s creates and revokes within 1 s', async (t) => {
  const redis = await startRedis()
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  t.after(() => redis.stop())
  const up = await startUpstream('up')
  t.after(() => up.close())
  const yaml = `
consumers: { acme: { scopes: [orders:read] } }
auth: { apiKeys: { store: { type: redis, url: "${redis.url}" } } }
upstreams: { up: { targets: [{ url: ${up.url} }] } }
routes: [{ name: orders, match: { path: /orders }, upstream: up, auth: { methods: [apiKey] } }]
`
  const a = await startGateway(yaml)
  const b = await startGateway(yaml)
  t.after(async () => { await a.close(); await b.close() })
  // A third party (the admin API or CLI of any instance) writes to the shared store.
  const admin = new RedisKeyStore(redis.url, 'sluice:keys:', systemClock)
  t.after(() => admin.close())
  await admin.ready()
  const probe = (gw: typeof a, key: string) => async () => (await send(gw.url, '/orders', { headers: { 'x-api-key': key } })).status

  assert.equal(await probe(a, 'slk_0123456789abcdef_' + 'x'.repeat(43))(), 401, 'unknown before creation')
  const { key, record } = await createKey(admin, { acme: { scopes: ['orders:read'], roles: [] } }, { consumer: 'acme' }, Date.now())
  await within1s(probe(a, key), 200, 3)
  await within1s(probe(b, key), 200, 3)
  await revokeKey(admin, record.id)
  await within1s(probe(a, key), 401, 3)
  await within1s(probe(b, key), 401, 3)
})
