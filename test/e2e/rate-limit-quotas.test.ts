// Plans and quotas end to end: a free and a pro consumer, each with its own API key (file store),
// get their own plan's limits; the free plan's daily quota runs out with 429 SLC_QUOTA_EXCEEDED,
// Retry-After and the RateLimit fields all pointing at the next 00:00 UTC, and it is back then.
// GET /admin/consumers/{id}/usage shows each plan limit's used, remaining and reset, charging
// nothing. Time is a ManualClock whose wall clock starts at 21:00 UTC.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../src/core/manual-clock.js'
import { localAdminTarget } from '../../src/admin/local.js'
import { createAdminServer } from '../../src/admin/server.js'
import type { AdminServer } from '../../src/admin/server.js'
import { createKey } from '../../src/core/keys/manage.js'
import { openKeyStore } from '../../src/core/keys/open-store.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { SendResult, TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

const EVENING = Date.UTC(2026, 2, 14, 21, 0, 0)
const MIDNIGHT = Date.UTC(2026, 2, 15)
const clock = new ManualClock(0, EVENING)
const dir = mkdtempSync(join(tmpdir(), 'sluice-quota-'))
let up: TestUpstream
let gw: TestGateway
let admin: AdminServer
let adminUrl: string
const TOKEN = 'usage-test-admin-token'
const keys: Record<string, string> = {}

before(async () => {
  const consumers = { freeco: { plan: 'free', scopes: [], roles: [] }, proco: { plan: 'pro', scopes: [], roles: [] } }
  const store = openKeyStore({ type: 'file', path: join(dir, 'keys.json') }, { baseDir: dir, clock, watch: false })
  for (const id of Object.keys(consumers)) keys[id] = (await createKey(store, consumers, { consumer: id }, EVENING)).key
  await store.close()
  up = await startUpstream('up')
  gw = await startGateway(`
rateLimiting: { defaultPlan: free }
plans:
  free:
    - { name: per-second, requests: 2, per: 1s }
    - { name: daily, requests: 5, per: 1d, quota: true }
  pro:
    - { name: per-second, requests: 10, per: 1s }
    - { name: daily, requests: 1000, per: 1d, quota: true }
consumers:
  freeco: { plan: free }
  proco: { plan: pro }
auth:
  apiKeys: { store: { type: file, path: ${join(dir, 'keys.json')} } }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - { name: api, match: { path: /api }, upstream: a, auth: { methods: [apiKey] }, rateLimits: [{ plan: true }] }
`, { clock })
  admin = createAdminServer({ host: '127.0.0.1', port: 0, token: TOKEN }, { target: localAdminTarget(gw.gateway, clock) })
  adminUrl = `http://127.0.0.1:${(await admin.listen()).port}`
})

after(async () => {
  await admin.close()
  await gw.close()
  await up.close()
  rmSync(dir, { recursive: true, force: true })
})

const as = (consumer: string): Promise<SendResult> => send(gw.url, '/api', { headers: { 'x-api-key': keys[consumer]! } })
const code = (r: SendResult): string | undefined =>
  r.status === 200 ? undefined : r.json<{ error: { code: string } }>().error.code

test('a free and a pro consumer get their own plan\'s limits', async () => {
  const free = await Promise.all(Array.from({ length: 4 }, () => as('freeco')))
  assert.deepEqual(free.map(code).sort(), [undefined, undefined, 'SLC_RATE_LIMITED', 'SLC_RATE_LIMITED'].sort())
  const pro = await Promise.all(Array.from({ length: 12 }, () => as('proco')))
  assert.equal(pro.filter(r => r.status === 200).length, 10)
  assert.equal(pro.find(r => r.status === 200)!.headers['ratelimit-policy'], '"per-second";q=10;w=1')
  clock.advance(1000)
})

test('a daily quota ends in SLC_QUOTA_EXCEEDED with its reset at the next 00:00 UTC, and is back then', async () => {
  // freeco has spent 2 of its 5 today; 3 more pass, a second apart (per-second allows 2 at once).
  for (let i = 0; i < 3; i++) {
    assert.equal((await as('freeco')).status, 200)
    clock.advance(1000)
  }
  const now = clock.wallNow()
  const refused = await as('freeco')
  assert.equal(refused.status, 429)
  assert.equal(code(refused), 'SLC_QUOTA_EXCEEDED')
  const toMidnight = (MIDNIGHT - now) / 1000
  assert.equal(toMidnight, 3 * 3600 - 4)
  assert.equal(refused.headers['retry-after'], String(toMidnight))
  assert.equal(refused.headers.ratelimit, `"daily";r=0;t=${toMidnight}`)
  assert.equal(refused.headers['ratelimit-policy'], '"daily";q=5;w=86400')
  assert.equal(refused.headers['x-ratelimit-reset'], String(toMidnight))
  assert.equal(refused.headers['x-ratelimit-remaining'], '0')
  assert.equal((await as('proco')).status, 200, 'the pro consumer\'s quota is its own')
  clock.advance(MIDNIGHT - now - 1)
  assert.equal(code(await as('freeco')), 'SLC_QUOTA_EXCEEDED', '23:59:59.999 is still today')
  clock.advance(1)
  const back = await as('freeco')
  assert.equal(back.status, 200, 'a new UTC day')
  assert.equal(back.headers.ratelimit, '"per-second";r=1;t=1', 'per-second (1 left) is closer to running out than daily')
})

interface Usage { consumer: string, plan: string | null, limits: Array<Record<string, unknown>> }

async function usage (id: string, token = TOKEN): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await fetch(`${adminUrl}/admin/consumers/${encodeURIComponent(id)}/usage`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

test('GET /admin/consumers/{id}/usage: each plan limit\'s used, remaining and reset, read without charging', async () => {
  // It is 00:00:00.000 UTC; freeco has made one request of the new day.
  const want: Usage = {
    consumer: 'freeco',
    plan: 'free',
    limits: [
      {
        name: 'per-second',
        algorithm: 'gcra',
        quota: false,
        requests: 2,
        per: '1s',
        limit: 2,
        used: 1,
        remaining: 1,
        reset: '2026-03-15T00:00:00.500Z',
        resetSeconds: 1,
      },
      {
        name: 'daily',
        algorithm: 'fixed-window',
        quota: true,
        requests: 5,
        per: '1d',
        limit: 5,
        used: 1,
        remaining: 4,
        reset: '2026-03-16T00:00:00.000Z',
        resetSeconds: 86_400,
      },
    ],
  }
  assert.deepEqual(await usage('freeco'), { status: 200, body: want })
  assert.deepEqual(await usage('freeco'), { status: 200, body: want }, 'reading charged nothing')
  assert.equal((await as('freeco')).status, 200)
  const after = (await usage('freeco')).body as unknown as Usage
  assert.deepEqual(after.limits.map(l => [l.used, l.remaining]), [[2, 0], [2, 3]])

  const pro = (await usage('proco')).body as unknown as Usage
  assert.equal(pro.plan, 'pro')
  assert.deepEqual(pro.limits.map(l => [l.name, l.used, l.remaining]), [['per-second', 0, 10], ['daily', 0, 1000]])

  const unknown = await usage('nobody')
  assert.equal(unknown.status, 404)
  const err = unknown.body.error as { code: string, requestId: string }
  assert.equal(err.code, 'SLC_CONSUMER_NOT_FOUND')
  assert.ok(err.requestId)
  assert.equal((await usage('freeco', 'wrong-token')).status, 401, 'the admin token is required')
})
