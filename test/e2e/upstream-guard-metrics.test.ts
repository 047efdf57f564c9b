// The gauges of the upstream breaker and limits (issue 8), read through the registry as a scrape
// would: sluice_circuit_breaker_state, sluice_upstream_requests_in_flight,
// sluice_upstream_saturation_ratio, sluice_upstream_concurrency_limit.

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

const config = (extra = ''): string => `
upstreams:
  guarded:
    targets: [{ url: ${up.url} }]
    circuitBreaker: { consecutiveFailures: 2, openFor: 10s, halfOpenRequests: 1 }
    limits: { maxRequests: 4 }
  adaptive:
    targets: [{ url: ${up.url} }]
    limits: { adaptive: { min: 3, max: 50 } }
  plain:
    targets: [{ url: ${up.url} }]
${extra}
routes:
  - { name: guarded, match: { path: /guarded }, upstream: guarded }
  - { name: adaptive, match: { path: /adaptive }, upstream: adaptive }
  - { name: plain, match: { path: /plain }, upstream: plain }
`

beforeEach(async () => {
  up = await startCountingUpstream()
  clock = new ManualClock()
  gw = await startGateway(config(), { clock })
})

afterEach(async () => {
  await gw.close()
  await up.close()
})

/** The gauge's value for `upstream` as a scrape reads it; undefined when the series is absent. */
async function gauge (name: string, upstream: string): Promise<number | undefined> {
  const metric = gw.gateway.metrics.registry.getSingleMetric(name)
  assert.ok(metric !== undefined, name)
  return (await metric.get()).values.find(v => v.labels.upstream === upstream)?.value
}

const get = (path: string, mode?: string) => send(gw.url, path, { headers: mode === undefined ? {} : { 'x-mode': mode } })

test('sluice_circuit_breaker_state: 0 closed, 2 open, 1 half-open, 0 again; no series without a breaker', async () => {
  const state = () => gauge('sluice_circuit_breaker_state', 'guarded')
  assert.equal(await state(), 0)
  await get('/guarded', 'status:500')
  await get('/guarded', 'status:500')
  assert.equal(await state(), 2)
  clock.advance(10_000)
  assert.equal(await state(), 1)
  assert.equal((await get('/guarded')).status, 200)
  assert.equal(await state(), 0)
  assert.equal(await gauge('sluice_circuit_breaker_state', 'plain'), undefined)
})

test('sluice_upstream_requests_in_flight counts held requests of every upstream, bodies included', async () => {
  const held = [get('/plain', 'hold'), get('/plain', 'hold-body'), get('/guarded', 'hold')]
  await up.waitForHeld(3)
  assert.equal(await gauge('sluice_upstream_requests_in_flight', 'plain'), 2)
  assert.equal(await gauge('sluice_upstream_requests_in_flight', 'guarded'), 1)
  assert.equal(await gauge('sluice_upstream_requests_in_flight', 'adaptive'), 0)
  up.release()
  await Promise.all(held)
  assert.equal(await gauge('sluice_upstream_requests_in_flight', 'plain'), 0)
})

test('sluice_upstream_saturation_ratio reads in flight / limit, 1 when full; only upstreams with limits', async () => {
  const ratio = () => gauge('sluice_upstream_saturation_ratio', 'guarded')
  assert.equal(await ratio(), 0)
  const held = [get('/guarded', 'hold'), get('/guarded', 'hold')]
  await up.waitForHeld(2)
  assert.equal(await ratio(), 0.5)
  held.push(get('/guarded', 'hold'), get('/guarded', 'hold'))
  await up.waitForHeld(4)
  assert.equal(await ratio(), 1)
  assert.equal((await get('/guarded')).status, 503)
  up.release()
  await Promise.all(held)
  assert.equal(await ratio(), 0)
  assert.equal(await gauge('sluice_upstream_saturation_ratio', 'plain'), undefined)
})

test('sluice_upstream_concurrency_limit: maxRequests, or the adaptive limit from min; series go with the upstream', async () => {
  assert.equal(await gauge('sluice_upstream_concurrency_limit', 'guarded'), 4)
  assert.equal(await gauge('sluice_upstream_concurrency_limit', 'adaptive'), 3, 'starts at min')
  assert.equal(await gauge('sluice_upstream_concurrency_limit', 'plain'), undefined)
  // Enough answered windows with the limit in use and flat latency: it grows.
  for (let w = 0; w < 6; w++) {
    clock.advance(100)
    await Promise.all(Array.from({ length: 12 }, () => get('/adaptive')))
  }
  const grown = await gauge('sluice_upstream_concurrency_limit', 'adaptive')
  assert.ok(grown !== undefined && grown > 3, `grew: ${grown}`)
  assert.deepEqual(await gw.reload(config().replace(/ {2}guarded:[^]*?(?= {2}adaptive:)/, '').replace(/.*\/guarded.*\n/, '')), { ok: true })
  assert.equal(await gauge('sluice_upstream_concurrency_limit', 'guarded'), undefined, 'removed upstream, no series')
  assert.equal(await gauge('sluice_upstream_concurrency_limit', 'adaptive'), grown, 'unchanged upstream keeps its learnt limit')
})
