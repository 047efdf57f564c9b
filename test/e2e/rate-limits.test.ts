// rateLimits against real sockets and a real upstream, time on a ManualClock: a burst of
// simultaneous requests gets exactly the limit through, the refused ones get 429 with Retry-After
// and RateLimit fields that agree with each other, a token coming due lets one more through, a
// refusal by one limit charges no other, and a reload keeps the counters of unchanged limits.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { SendResult, TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let gw: TestGateway
const clock = new ManualClock()

const config = (perIp = 10): string => `
server: { port: 0, trustedProxies: [127.0.0.1] }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - name: orders
    match: { path: /orders }
    upstream: a
    rateLimits:
      - { name: per-ip, key: ip, requests: ${perIp}, per: 1s, burst: 10 }
  - name: twin
    match: { path: /twin }
    upstream: a
    rateLimits:
      - { name: per-ip, key: ip, requests: 10, per: 1s, burst: 10 }
  - name: pair
    match: { path: /pair }
    upstream: a
    rateLimits:
      - { name: wide, key: ip, requests: 100, per: 1m }
      - { name: narrow, key: [ip, header:x-tenant], requests: 2, per: 1m }
`

before(async () => {
  up = await startUpstream('up')
  gw = await startGateway(config(), { clock })
})

after(async () => {
  await gw.close()
  await up.close()
})

const from = (ip: string, extra: Record<string, string> = {}): { headers: Record<string, string> } =>
  ({ headers: { 'x-forwarded-for': ip, ...extra } })

function fields (res: SendResult): { r: number, t: number, q: number, w: number, name: string } {
  const rl = /^"([^"]+)";r=(\d+);t=(\d+)$/.exec(String(res.headers.ratelimit))
  const policy = /^"([^"]+)";q=(\d+);w=(\d+)$/.exec(String(res.headers['ratelimit-policy']))
  assert.ok(rl, `RateLimit: ${res.headers.ratelimit}`)
  assert.ok(policy, `RateLimit-Policy: ${res.headers['ratelimit-policy']}`)
  assert.equal(rl[1], policy[1], 'both fields name the same limit')
  const out = { name: rl[1]!, r: Number(rl[2]), t: Number(rl[3]), q: Number(policy[2]), w: Number(policy[3]) }
  assert.equal(res.headers['x-ratelimit-limit'], String(out.q))
  assert.equal(res.headers['x-ratelimit-remaining'], String(out.r))
  assert.equal(res.headers['x-ratelimit-reset'], String(out.t))
  return out
}

test('30 simultaneous requests to a 10/s burst-10 route: 10 pass, 20 get 429 with consistent fields', async () => {
  const before = up.requests
  const all = await Promise.all(Array.from({ length: 30 }, () => send(gw.url, '/orders', from('10.0.0.1'))))
  const ok = all.filter(r => r.status === 200)
  const refused = all.filter(r => r.status === 429)
  assert.equal(ok.length, 10)
  assert.equal(refused.length, 20)
  assert.equal(up.requests - before, 10, 'refused requests never reach the upstream')
  assert.deepEqual(ok.map(r => fields(r).r).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  for (const r of ok) assert.deepEqual(fields(r), { ...fields(r), name: 'per-ip', q: 10, w: 1 })
  for (const res of refused) {
    const body = res.json<{ error: { code: string, requestId: string } }>()
    assert.equal(body.error.code, 'SLC_RATE_LIMITED')
    assert.equal(body.error.requestId, res.headers['x-request-id'])
    const f = fields(res)
    assert.deepEqual(f, { name: 'per-ip', r: 0, t: 1, q: 10, w: 1 })
    // The next token is due in 100ms: Retry-After rounds up to 1s, never more than t.
    assert.equal(res.headers['retry-after'], '1')
  }
  assert.equal((await send(gw.url, '/orders', from('10.0.0.1'))).status, 429)
  clock.advance(99)
  assert.equal((await send(gw.url, '/orders', from('10.0.0.1'))).status, 429, 'not due yet')
  clock.advance(1)
  const next = await send(gw.url, '/orders', from('10.0.0.1'))
  assert.equal(next.status, 200, 'a token came due')
  assert.equal(fields(next).r, 0)
  assert.equal((await send(gw.url, '/orders', from('10.0.0.2'))).status, 200, 'another client has its own bucket')
  clock.advance(1000)
})

test('equal limits on two routes keep their own counters', async () => {
  for (let i = 0; i < 10; i++) assert.equal((await send(gw.url, '/orders', from('10.0.1.1'))).status, 200)
  assert.equal((await send(gw.url, '/orders', from('10.0.1.1'))).status, 429)
  assert.equal((await send(gw.url, '/twin', from('10.0.1.1'))).status, 200)
  clock.advance(1000)
})

test('a refusal by one limit charges no other; the fields show the limit closest to running out', async () => {
  const first = await send(gw.url, '/pair', from('10.0.2.1', { 'x-tenant': 't1' }))
  assert.equal(first.status, 200)
  assert.deepEqual(fields(first), { name: 'narrow', r: 1, t: 30, q: 2, w: 60 })
  assert.equal((await send(gw.url, '/pair', from('10.0.2.1', { 'x-tenant': 't1' }))).status, 200)
  for (let i = 0; i < 5; i++) {
    const res = await send(gw.url, '/pair', from('10.0.2.1', { 'x-tenant': 't1' }))
    assert.equal(res.status, 429)
    assert.equal(fields(res).name, 'narrow')
    assert.equal(res.headers['retry-after'], '30')
  }
  const other = await send(gw.url, '/pair', from('10.0.2.1', { 'x-tenant': 't2' }))
  assert.equal(other.status, 200, 'another tenant value has its own narrow counter')
  // wide was charged by the 3 passing requests only, not by the 5 refused ones.
  assert.equal(other.headers['x-ratelimit-limit'], '2')
  const res = await send(gw.url, '/pair', from('10.0.2.1'))
  assert.equal(res.status, 200, 'no x-tenant: counted by the client address, not one shared bucket')
  const noTenant = await send(gw.url, '/pair', from('10.0.2.1'))
  assert.equal(noTenant.status, 200)
  assert.equal((await send(gw.url, '/pair', from('10.0.2.1'))).status, 429)
  clock.advance(60_000)
})

test('a refused request charges the wide limit nothing', async () => {
  // 2 pass per tenant value; the other tenants add refusals that must not drain `wide` (100/min).
  let passed = 0
  for (let t = 0; t < 40; t++) {
    for (let i = 0; i < 4; i++) {
      if ((await send(gw.url, '/pair', from('10.0.3.1', { 'x-tenant': `t${t}` }))).status === 200) passed++
    }
  }
  assert.equal(passed, 80, '40 tenants × 2; the 80 refusals cost wide nothing, so it is not yet spent')
  clock.advance(60_000)
})

test('a reload keeps the counters of an unchanged limit and starts a changed one afresh', async () => {
  for (let i = 0; i < 10; i++) await send(gw.url, '/orders', from('10.0.4.1'))
  assert.equal((await send(gw.url, '/orders', from('10.0.4.1'))).status, 429)
  assert.equal((await gw.reload(config() + '\n# touched\n')).ok, true)
  assert.equal((await send(gw.url, '/orders', from('10.0.4.1'))).status, 429, 'same limit: still spent')
  assert.equal((await gw.reload(config(20))).ok, true)
  assert.equal((await send(gw.url, '/orders', from('10.0.4.1'))).status, 200, 'new numbers: a new counter')
  clock.advance(1000)
})
