// An upstream's circuitBreaker (issue 8): opens after its threshold, answers 503 SLC_CIRCUIT_OPEN
// without any upstream request while open, probes after openFor, closes after good probes, and
// keeps its state across a reload that leaves the upstream alone. Time moves on a ManualClock.

import { afterEach, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startCountingUpstream } from '../helpers/counting-upstream.js'
import type { CountingUpstream } from '../helpers/counting-upstream.js'

let up: CountingUpstream
let gw: TestGateway
let clock: ManualClock

const config = (breaker: string, route = 'svc'): string => `
logging: { accessLog: true }
upstreams:
  svc:
    targets: [{ url: ${up.url} }]
    circuitBreaker: ${breaker}
routes:
  - { name: ${route}, match: { path: /svc }, upstream: svc }
`

const CONSECUTIVE = '{ consecutiveFailures: 3, openFor: 30s, halfOpenRequests: 2 }'

beforeEach(async () => {
  up = await startCountingUpstream()
  clock = new ManualClock()
  gw = await startGateway(config(CONSECUTIVE), { clock })
})

afterEach(async () => {
  await gw.close()
  await up.close()
})

const get = (mode?: string) => send(gw.url, '/svc', { headers: mode === undefined ? {} : { 'x-mode': mode } })

async function trip (): Promise<void> {
  for (let i = 0; i < 3; i++) assert.equal((await get('status:500')).status, 500)
}

test('opens after consecutiveFailures; while open: 503 SLC_CIRCUIT_OPEN, Retry-After = time left, no upstream request', async () => {
  assert.equal((await get('status:429')).status, 429)
  assert.equal((await get('status:404')).status, 404)
  await trip()
  assert.equal(up.requests, 5)
  const r = await get()
  assert.equal(r.status, 503)
  assert.equal(r.json<{ error: { code: string } }>().error.code, 'SLC_CIRCUIT_OPEN')
  assert.equal(r.headers['retry-after'], '30')
  clock.advance(12_500)
  assert.equal((await get()).headers['retry-after'], '18', 'rounded up')
  assert.equal(up.requests, 5, 'no request reached the upstream while open')
  const line = await gw.lastAccess(8)
  assert.equal(line.flags, 'CO')
})

test('429 and other 4xx never open it; 5xx, resets and refused connections do', async () => {
  for (let i = 0; i < 6; i++) await get(i % 2 === 0 ? 'status:429' : 'status:400')
  assert.equal((await get()).status, 200)
  assert.equal((await get('status:503')).status, 503)
  assert.equal((await get('status:502')).status, 502)
  // The third failure: the upstream is gone, the connection is refused. That opens the breaker, so
  // the default retry on connect-failure (retry runs outside the breaker) meets it open.
  await up.close()
  const refused = await get()
  assert.equal(refused.status, 503)
  assert.equal(refused.json<{ error: { code: string } }>().error.code, 'SLC_CIRCUIT_OPEN')
  const open = await get()
  assert.equal(open.json<{ error: { code: string } }>().error.code, 'SLC_CIRCUIT_OPEN')
})

test('half-open after openFor admits halfOpenRequests probes; their success closes it', async () => {
  await trip()
  clock.advance(30_000)
  const probes = [get('hold'), get('hold')]
  await up.waitForHeld(2)
  const third = await get()
  assert.equal(third.status, 503, 'probe places taken')
  assert.equal(third.json<{ error: { code: string } }>().error.code, 'SLC_CIRCUIT_OPEN')
  assert.equal(up.requests, 5)
  up.release()
  for (const p of probes) assert.equal((await p).status, 200)
  for (let i = 0; i < 5; i++) assert.equal((await get()).status, 200, 'closed')
  assert.equal(up.requests, 10)
})

test('a failed probe opens it again for openFor', async () => {
  await trip()
  clock.advance(30_000)
  assert.equal((await get('status:500')).status, 500, 'the probe reached the upstream')
  const r = await get()
  assert.equal(r.status, 503)
  assert.equal(r.headers['retry-after'], '30')
  assert.equal(up.requests, 4)
  clock.advance(30_000)
  assert.equal((await get()).status, 200)
  assert.equal((await get()).status, 200)
  assert.equal((await get()).status, 200, 'two good probes closed it')
})

test('failureRatio over a window with minimumRequests', async () => {
  assert.deepEqual(await gw.reload(config('{ failureRatio: 0.5, minimumRequests: 10, window: 10s, openFor: 5s }')), { ok: true })
  for (let i = 0; i < 4; i++) await get('status:500')
  for (let i = 0; i < 5; i++) await get()
  assert.equal((await get()).status, 200, '4 of 10 failed: closed')
  assert.equal((await get('status:500')).status, 500)
  assert.equal((await get('status:500')).status, 500, '6 of 12 failed: opens')
  assert.equal((await get()).status, 503)
  assert.equal(up.requests, 12)
})

test('a reload during load keeps an open breaker open; a changed upstream starts closed', async () => {
  await trip()
  const load = Array.from({ length: 20 }, () => get())
  assert.deepEqual(await gw.reload(config(CONSECUTIVE, 'renamed')), { ok: true }, 'routes changed, the upstream did not')
  for (const r of await Promise.all(load)) assert.equal(r.status, 503)
  const after = await get()
  assert.equal(after.status, 503)
  assert.equal(after.json<{ error: { code: string } }>().error.code, 'SLC_CIRCUIT_OPEN')
  assert.equal(up.requests, 3)
  assert.deepEqual(await gw.reload(config('{ consecutiveFailures: 4, openFor: 30s }')), { ok: true })
  assert.equal((await get()).status, 200, 'a changed breaker starts closed')
})
