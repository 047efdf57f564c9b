// API keys end to end, file store, in process with the injected clock: a key created with the CLI
// works on a running gateway without a reload, the upstream sees the consumer and never the key,
// revoke and expiry refuse it, rotate keeps both keys during the grace and only the new one after,
// and the store file holds no key.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { spawnSluice } from '../helpers/sluice-process.js'
import { startUpstream } from '../helpers/upstream.js'
import type { EchoBody, TestUpstream } from '../helpers/upstream.js'

let clock: ManualClock
let up: TestUpstream
let gw: TestGateway
const dir = mkdtempSync(join(tmpdir(), 'sluice-keys-'))
const store = join(dir, 'keys.json')

before(async () => {
  clock = new ManualClock(0, Date.now())
  up = await startUpstream('up')
  gw = await startGateway(`
consumers:
  acme: { plan: pro, scopes: [orders:read, orders:write] }
auth:
  apiKeys: { store: { type: file, path: ${store} } }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - { name: orders, match: { path: /orders }, upstream: a, auth: { methods: [apiKey], scopes: [orders:read] } }
  - { name: writes, match: { path: /writes }, upstream: a, auth: { methods: [apiKey], scopes: [orders:write] } }
`, { clock })
})

after(async () => {
  await gw.close()
  await up.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `sluice keys …` against the gateway's config; returns stdout's first line and the exit code. */
async function cli (...args: string[]): Promise<{ code: number | null, out: string }> {
  const run = spawnSluice(['keys', ...args, '-c', gw.file], dir)
  const code = await run.exited()
  return { code, out: run.output() }
}

async function keyOf (...args: string[]): Promise<string> {
  const { code, out } = await cli('create', ...args)
  assert.equal(code, 0, out)
  const key = /slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(out)?.[0]
  assert.ok(key, out)
  return key
}

const idOf = (key: string): string => key.slice(4, 20)

function call (path: string, key: string | undefined): ReturnType<typeof send> {
  return send(gw.url, path, { headers: key === undefined ? { 'x-consumer-id': 'mallory' } : { 'x-api-key': key, 'x-consumer-id': 'mallory' } })
}

/** Polls (real time, bounded) until `path` with `key` answers `status`; returns how long it took. */
async function within1s (path: string, key: string, status: number): Promise<number> {
  const t0 = Date.now()
  for (;;) {
    if ((await call(path, key)).status === status) return Date.now() - t0
    if (Date.now() - t0 > 1000) assert.fail(`no ${status} within 1 s`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

test('a key created with the CLI works at once; the upstream sees the consumer, not the key', async () => {
  const key = await keyOf('--consumer', 'acme', '--scopes', 'orders:read', '--name', 'ci')
  await within1s('/orders', key, 200)
  const res = await call('/orders', key)
  const seen = res.json<EchoBody>().headers
  assert.equal(seen['x-consumer-id'], 'acme')
  assert.equal(seen['x-api-key'], undefined)
  assert.equal((await call('/writes', key)).status, 403, 'the key has orders:read only')
})

test('the store file holds hashes, never a key or its secret, and is private', async () => {
  const key = await keyOf('--consumer', 'acme')
  const text = readFileSync(store, 'utf8')
  assert.ok(!text.includes(key))
  assert.ok(!text.includes(key.slice(21)), 'not even the secret part')
  assert.ok(text.includes(idOf(key)))
  assert.equal(statSync(store).mode & 0o777, 0o600)
})

test('a revoked key is refused within 1 s, with a 401 that never echoes it', async () => {
  const key = await keyOf('--consumer', 'acme')
  await within1s('/orders', key, 200)
  assert.equal((await cli('revoke', idOf(key))).code, 0)
  await within1s('/orders', key, 401)
  const res = await call('/orders', key)
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_UNAUTHENTICATED')
  assert.ok(!res.body.includes(key.slice(21)))
})

test('an expired key is refused', async () => {
  const key = await keyOf('--consumer', 'acme', '--expires', '1h')
  await within1s('/orders', key, 200)
  clock.advance(2 * 3600_000)
  assert.equal((await call('/orders', key)).status, 401)
})

test('rotate: old and new keys both work during the grace, only the new one after', async () => {
  const old = await keyOf('--consumer', 'acme')
  const { code, out } = await cli('rotate', idOf(old), '--grace', '24h')
  assert.equal(code, 0, out)
  const fresh = /slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(out)![0]
  await within1s('/orders', fresh, 200)
  assert.equal((await call('/orders', old)).status, 200)
  clock.advance(25 * 3600_000)
  assert.equal((await call('/orders', old)).status, 401)
  assert.equal((await call('/orders', fresh)).status, 200)
})

test('wrong secret, malformed key, no key: 401; scopes beyond the consumer\'s are refused at creation', async () => {
  const key = await keyOf('--consumer', 'acme')
  const wrong = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  assert.equal((await call('/orders', wrong)).status, 401)
  assert.equal((await call('/orders', 'slk_nope')).status, 401)
  assert.equal((await call('/orders', undefined)).status, 401)
  const bad = await cli('create', '--consumer', 'acme', '--scopes', 'orders:read,admin')
  assert.equal(bad.code, 1)
  assert.match(bad.out, /scopes beyond consumer acme's: admin \(SLC_KEY_INVALID\)/)
  const unknown = await cli('create', '--consumer', 'nobody')
  assert.match(unknown.out, /unknown consumer "nobody"/)
})

test('keys list shows ids and states, never a secret or hash', async () => {
  const { code, out } = await cli('list')
  assert.equal(code, 0, out)
  assert.match(out, /^ID\s+CONSUMER\s+NAME/)
  assert.match(out, /revoked/)
  assert.match(out, /rotating→/)
  assert.ok(!/slk_/.test(out))
  const hashes = [...readFileSync(store, 'utf8').matchAll(/"hash": "([0-9a-f]+)"/g)].map(m => m[1]!)
  for (const h of hashes) assert.ok(!out.includes(h))
})
