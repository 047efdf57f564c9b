// Plans end to end: consumers authenticated by a real JWT (HS256) carry their plan from `consumers`;
// `{ plan: true }` gives each its plan's limits, counted per consumer; a token-less caller on a
// route without auth gets the default plan, counted by its address.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

const SECRET = 'a-test-secret-of-at-least-32-characters!'
let up: TestUpstream
let gw: TestGateway

function jwt (sub: string): string {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'test', sub, exp: Math.floor(Date.now() / 1000) + 3600 })}`
  return `${head}.${createHmac('sha256', SECRET).update(head).digest('base64url')}`
}

before(async () => {
  up = await startUpstream('up')
  gw = await startGateway(`
rateLimiting: { defaultPlan: free }
plans:
  free: [{ name: per-minute, requests: 2, per: 1m }]
  pro: [{ name: per-minute, requests: 5, per: 1m }]
consumers:
  alice: { plan: free }
  bob: { plan: pro }
  carol: {}
auth:
  jwt: [{ name: t, issuer: test, secret: "${SECRET}", algorithms: [HS256] }]
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - { name: api, match: { path: /api }, upstream: a, auth: { methods: [jwt] }, rateLimits: [{ plan: true }] }
  - { name: open, match: { path: /open }, upstream: a, rateLimits: [{ plan: true }] }
`)
})

after(async () => {
  await gw.close()
  await up.close()
})

async function passes (path: string, sub?: string): Promise<number> {
  let n = 0
  for (let i = 0; i < 8; i++) {
    const res = await send(gw.url, path, sub === undefined ? {} : { headers: { authorization: `Bearer ${jwt(sub)}` } })
    if (res.status === 200) n++
    else assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_RATE_LIMITED')
  }
  return n
}

test('a free and a pro consumer get their own plan limits; no plan means the default plan', async () => {
  assert.equal(await passes('/api', 'alice'), 2)
  assert.equal(await passes('/api', 'bob'), 5)
  assert.equal(await passes('/api', 'carol'), 2)
})

test('plan counters are the consumer\'s across routes; an anonymous caller counts by address', async () => {
  assert.equal(await passes('/open'), 2, 'anonymous on a route without auth: the default plan, by address')
  assert.equal(await passes('/api', 'alice'), 0, 'alice spent her plan on the first test')
})
