// Active and passive health against real upstreams, on the ManualClock: probes, ejection, the
// 503 when no target is left, reload keeping verdicts, slow start, and the two metrics.
import { afterEach, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { ActiveProbe } from '../../src/gateway/upstream/health/active.js'
import type { Upstream } from '../../src/gateway/upstream/upstream.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startHealthUpstream } from '../helpers/health-upstream.js'
import type { HealthUpstream } from '../helpers/health-upstream.js'
import { seededRandom } from '../helpers/seeded-random.js'
import { until } from '../helpers/wait.js'

let a: HealthUpstream, b: HealthUpstream, c: HealthUpstream
let clock: ManualClock
let gw: TestGateway | undefined

beforeEach(async () => {
  [a, b, c] = await Promise.all([startHealthUpstream('a'), startHealthUpstream('b'), startHealthUpstream('c')])
  clock = new ManualClock()
})

afterEach(async () => {
  await gw?.close()
  gw = undefined
  await Promise.all([a.close(), b.close(), c.close()])
})

const config = (upstream: string, targets = [a, b]): string => `
upstreams:
  u:
    targets: [${targets.map(t => `{ url: "${t.url}" }`).join(', ')}]
${upstream.trim().split('\n').map(l => `    ${l}`).join('\n')}
routes: [{ name: r, match: { path: / }, upstream: u }]
`

const ACTIVE = 'healthCheck: { active: { interval: 2s, timeout: 1s, healthyThreshold: 2, unhealthyThreshold: 2 } }'

function upstream (): Upstream { return gw!.gateway.snapshot.upstreams.get('u')! }
function probes (): ActiveProbe[] {
  return upstream().parts.map(([, p]) => p).filter((p): p is ActiveProbe => p instanceof ActiveProbe)
}
function health (): Record<string, string> {
  return Object.fromEntries(upstream().targets.map(t => [t.id === a.url ? 'a' : t.id === b.url ? 'b' : 'c', t.health]))
}

/** Moves the clock to the next probe time and waits until every probe has finished its probe. */
async function probeRound (ms = 2000): Promise<void> {
  const before = probes().map(p => p.probes)
  clock.advance(ms)
  await until('a round of probes', () => probes().every((p, i) => p.probes > before[i]!))
}

async function tally (n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (let i = 0; i < n; i++) {
    const r = await send(gw!.url, '/x')
    assert.equal(r.status, 200)
    const who = r.headers['x-upstream'] as string
    out[who] = (out[who] ?? 0) + 1
  }
  return out
}

async function gauge (): Promise<Record<string, number>> {
  const values = (await gw!.gateway.metrics.upstreamTargetHealthy.get()).values
  return Object.fromEntries(values.map(v => [v.labels.target === a.url ? 'a' : v.labels.target === b.url ? 'b' : 'c', v.value]))
}

test('active: down after unhealthyThreshold failed probes, up after healthyThreshold good ones; the gauge follows', async () => {
  gw = await startGateway(config(ACTIVE), { clock })
  b.healthStatus = 503
  await probeRound(0)
  assert.deepEqual(health(), { a: 'healthy', b: 'healthy' }, 'one failed probe is not enough')
  await probeRound()
  assert.deepEqual(health(), { a: 'healthy', b: 'unhealthy' })
  assert.deepEqual(await gauge(), { a: 1, b: 0 })
  assert.deepEqual(await tally(6), { a: 6 })
  b.healthStatus = 200
  await probeRound()
  assert.equal(health().b, 'unhealthy', 'one good probe is not enough')
  await probeRound()
  assert.deepEqual(health(), { a: 'healthy', b: 'healthy' })
  assert.deepEqual(await gauge(), { a: 1, b: 1 })
  assert.deepEqual(await tally(6), { a: 3, b: 3 })
})

test('a probe without an answer within its timeout fails; expectStatus bounds a good one', async () => {
  const active = 'interval: 2s, timeout: 1s, healthyThreshold: 1, unhealthyThreshold: 1, expectStatus: "200-204"'
  gw = await startGateway(config(`healthCheck: { active: { ${active} } }`), { clock })
  b.healthStatus = 299
  await probeRound(0)
  assert.deepEqual(health(), { a: 'healthy', b: 'unhealthy' }, '299 is outside 200-204')
  b.healthStatus = 204
  a.healthStatus = 0
  const probed = a.probes
  clock.advance(2000)
  await until('the probe reached a', () => a.probes > probed)
  clock.advance(999)
  await new Promise(resolve => setTimeout(resolve, 50))
  assert.equal(health().a, 'healthy', 'still within its timeout')
  clock.advance(1)
  await until('a probe past its timeout fails', () => health().a === 'unhealthy')
  assert.deepEqual(health(), { a: 'unhealthy', b: 'healthy' })
})

test('no available target: 503 SLC_UPSTREAM_UNAVAILABLE at once, flag UH, no request reaches a target', async () => {
  gw = await startGateway(config(ACTIVE), { clock })
  a.healthStatus = b.healthStatus = 500
  await probeRound(0)
  await probeRound()
  const sent = a.requests + b.requests
  const r = await send(gw.url, '/x')
  assert.equal(r.status, 503)
  assert.equal(r.json<{ error: { code: string } }>().error.code, 'SLC_UPSTREAM_UNAVAILABLE')
  assert.equal((await gw.lastAccess(1)).flags, 'UH')
  assert.equal(a.requests + b.requests, sent)
})

test('passive: consecutiveFailures 5xx answers eject the target for ejectFor, counted in sluice_upstream_ejections_total', async () => {
  gw = await startGateway(config('healthCheck: { passive: { consecutiveFailures: 3, ejectFor: 10s, maxEjectedPercent: 50 } }'), { clock })
  b.status = 500
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) statuses.push((await send(gw.url, '/x')).status)
  assert.deepEqual(statuses, [200, 500, 200, 500, 200, 500])
  assert.deepEqual(health(), { a: 'healthy', b: 'ejected' })
  assert.deepEqual(await tally(4), { a: 4 })
  const ejections = (await gw.gateway.metrics.upstreamEjections.get()).values
  assert.deepEqual(ejections.map(v => [v.labels.target, v.value]), [[b.url, 1]])
  assert.deepEqual(await gauge(), { a: 1, b: 0 })
  clock.advance(10_000)
  assert.deepEqual(health(), { a: 'healthy', b: 'healthy' })
})

test('a refused connection is a real failure too; maxEjectedPercent keeps the last target in', async () => {
  gw = await startGateway(config('healthCheck: { passive: { consecutiveFailures: 2, ejectFor: 10s, maxEjectedPercent: 50 } }'), { clock })
  await b.close()
  a.status = 503
  for (let i = 0; i < 8; i++) await send(gw.url, '/x')
  const h = health()
  assert.equal(Object.values(h).filter(s => s === 'ejected').length, 1, `one of two at most: ${JSON.stringify(h)}`)
})

test('a target the probes see come back up is back at once, even from an ejection', async () => {
  const both = 'healthCheck: { active: { interval: 2s, timeout: 1s }, passive: { consecutiveFailures: 2, ejectFor: 60s } }'
  gw = await startGateway(config(both), { clock })
  b.status = b.healthStatus = 500
  for (let i = 0; i < 4; i++) await send(gw.url, '/x')
  await probeRound(0)
  await probeRound()
  assert.equal(health().b, 'unhealthy')
  assert.equal(upstream().targets[1]!.state.ejected, true)
  b.status = b.healthStatus = 200
  await probeRound()
  await probeRound()
  assert.deepEqual(health(), { a: 'healthy', b: 'healthy' }, '4s into a 60s ejection')
})

test('reload keeps an ejected target ejected and a down target down; a removed target is probed no more', async () => {
  const both = 'healthCheck: { active: { interval: 2s, timeout: 1s, healthyThreshold: 2, unhealthyThreshold: 2 }, passive: { consecutiveFailures: 2, ejectFor: 30s } }'
  gw = await startGateway(config(both, [a, b, c]), { clock })
  b.status = 500
  c.healthStatus = 500
  for (let i = 0; i < 6; i++) await send(gw.url, '/x')
  await probeRound(0)
  await probeRound()
  assert.deepEqual(health(), { a: 'healthy', b: 'ejected', c: 'unhealthy' })
  // Another balancer and pool size: the upstream is rebuilt, its targets' verdicts stay.
  assert.deepEqual(await gw.reload(config(`balancer: weighted\npool: { connections: 4 }\n${both}`, [a, b, c])), { ok: true })
  assert.deepEqual(health(), { a: 'healthy', b: 'ejected', c: 'unhealthy' })
  assert.deepEqual(await tally(4), { a: 4 })
  // c leaves: its probes stop.
  assert.deepEqual(await gw.reload(config(both, [a, b])), { ok: true })
  await probeRound()
  const probed = c.probes
  await probeRound()
  await probeRound()
  assert.equal(c.probes, probed)
  assert.deepEqual(Object.keys(await gauge()).sort(), ['a', 'b'], 'the removed target has no series')
})

/** Of 400 requests, the share that went to b after a reload added it, at 0, 25, 75 and 100% of the ramp. */
async function ramp (balancer: string): Promise<number[]> {
  gw = await startGateway(config(`balancer: ${balancer}\nslowStart: 10s`, [a]), { clock, random: seededRandom(7) })
  assert.deepEqual(await tally(4), { a: 4 }, 'targets that came with the upstream do not ramp')
  assert.deepEqual(await gw.reload(config(`balancer: ${balancer}\nslowStart: 10s`, [a, b])), { ok: true })
  const shares: number[] = []
  for (const step of [0, 2500, 5000, 2500]) {
    clock.advance(step)
    shares.push(((await tally(400)).b ?? 0) / 400)
  }
  return shares
}

function near (actual: number[], expected: number[]): void {
  assert.ok(actual.every((v, i) => Math.abs(v - expected[i]!) < 0.05), `shares ${actual} vs ${expected}`)
}

test('slowStart, weighted: a target added by a reload gets f × its share, f rising linearly over slowStart', async () => {
  const shares = await ramp('weighted')
  assert.equal(shares[0], 0)
  near(shares, [0, 0.125, 0.375, 0.5])
})

test('slowStart, round-robin: the ramping target\'s weight scales by f, so of two it gets f / (1 + f)', async () => {
  const shares = await ramp('round-robin')
  assert.equal(shares[0], 0)
  near(shares, [0, 0.2, 0.75 / 1.75, 0.5])
})
