// An upstream's limits.maxRequests (issue 8): never more in flight to the upstream (all targets,
// response bodies included); the rest get 503 SLC_UPSTREAM_SATURATED with Retry-After: 1 at once.

import { afterEach, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { SendResult, TestGateway } from '../helpers/gateway.js'
import { startCountingUpstream } from '../helpers/counting-upstream.js'
import type { CountingUpstream } from '../helpers/counting-upstream.js'
import { until } from '../helpers/wait.js'

let a: CountingUpstream, b: CountingUpstream
let gw: TestGateway

beforeEach(async () => {
  [a, b] = await Promise.all([startCountingUpstream(), startCountingUpstream()])
  gw = await startGateway(`
logging: { accessLog: true }
upstreams:
  svc:
    targets: [{ url: ${a.url} }, { url: ${b.url} }]
    limits: { maxRequests: 10 }
routes:
  - { name: svc, match: { path: /svc }, upstream: svc }
`)
})

afterEach(async () => {
  await gw.close()
  await Promise.all([a.close(), b.close()])
})

const code = (r: SendResult): string => r.json<{ error: { code: string } }>().error.code

test('maxRequests 10, a slow upstream, 50 concurrent clients: 10 reach it, 40 get 503 SLC_UPSTREAM_SATURATED at once', async () => {
  const refused: SendResult[] = []
  const all = Array.from({ length: 50 }, () => send(gw.url, '/svc', { headers: { 'x-mode': 'hold' } }).then((r) => {
    if (r.status === 503) refused.push(r)
    return r
  }))
  // The refusals all come back while the admitted requests are still held upstream.
  await until('40 refusals', () => refused.length === 40)
  await until('10 held upstream', () => a.current + b.current === 10)
  for (const r of refused) {
    assert.equal(code(r), 'SLC_UPSTREAM_SATURATED')
    assert.equal(r.headers['retry-after'], '1')
  }
  assert.equal(a.requests + b.requests, 10)
  assert.equal(gw.gateway.snapshot.upstreams.get('svc')!.inFlight, 10)
  a.release()
  b.release()
  const statuses = (await Promise.all(all)).map(r => r.status)
  assert.equal(statuses.filter(s => s === 200).length, 10)
  assert.ok(a.peak + b.peak <= 10)
  assert.equal((await send(gw.url, '/svc')).status, 200, 'places free again')
  const flagged = gw.access().filter(l => l.flags === 'UO')
  assert.equal(flagged.length, 40)
})

test('a response whose body is still streaming holds its place', async () => {
  const streaming = Array.from({ length: 10 }, () => send(gw.url, '/svc', { headers: { 'x-mode': 'hold-body' } }))
  await until('10 bodies held upstream', () => a.current + b.current === 10)
  const r = await send(gw.url, '/svc')
  assert.equal(r.status, 503)
  assert.equal(code(r), 'SLC_UPSTREAM_SATURATED')
  a.release()
  b.release()
  for (const s of await Promise.all(streaming)) assert.equal(s.body, 'first last')
  assert.equal((await send(gw.url, '/svc')).status, 200)
})

test('places free up as requests end: waves of 50 never put more than 10 on the upstream', async () => {
  for (let wave = 0; wave < 5; wave++) {
    const all = Array.from({ length: 50 }, () => send(gw.url, '/svc'))
    const statuses = (await Promise.all(all)).map(r => r.status)
    assert.ok(statuses.every(s => s === 200 || s === 503))
    assert.ok(statuses.includes(200))
  }
  assert.ok(a.peak + b.peak <= 10, `peaks ${a.peak} + ${b.peak}`)
  assert.equal(gw.gateway.snapshot.upstreams.get('svc')!.inFlight, 0)
})
