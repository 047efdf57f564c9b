// Issue 8's acceptance run: two targets in child processes behind one route, GET load of a few
// hundred requests a second, one target SIGKILLed midway and restarted later. Real processes and
// real time: the gateway cannot know a kill is coming.
//
// What must hold: no client sees anything but a 2xx (GETs are retried on connect failures and
// resets, `retry` below); the killed target is marked down within 2 × interval of dying; once
// restarted it gets no traffic until healthyThreshold probes have passed, then a share that ramps
// up over slowStart. A reload in between keeps the dead target out.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { Pool } from 'undici'
import { ActiveProbe } from '../../src/gateway/upstream/health/active.js'
import { freePort } from '../helpers/free-port.js'
import { startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startTargetProcess } from '../helpers/target-process.js'
import type { TargetProcess } from '../helpers/target-process.js'
import { until } from '../helpers/wait.js'

const INTERVAL_MS = 1000
const SLOW_START_MS = 3000
const LOOPS = 8
/** Pause of each load loop between its requests: with ~5 ms of upstream time, a few hundred req/s. */
const PAUSE_MS = 15

const procs: TargetProcess[] = []
let gw: TestGateway | undefined
after(async () => {
  await gw?.close()
  await Promise.all(procs.map(p => p.kill()))
})

interface Answer { at: number, status: number, upstream: string }

test('one of two targets SIGKILLed under GET load: no client error, down within 2 × interval, back after healthyThreshold probes, ramping over slowStart', { timeout: 120_000 }, async (t) => {
  const [pa, pb] = [await freePort(), await freePort()]
  procs.push(await startTargetProcess(pa, 'a'), await startTargetProcess(pb, 'b'))
  const yaml = (connections: number): string => `
upstreams:
  u:
    balancer: weighted
    pool: { connections: ${connections} }
    targets: [{ url: "http://127.0.0.1:${pa}" }, { url: "http://127.0.0.1:${pb}" }]
    retry: { attempts: 3, on: [connect-failure, reset] }
    healthCheck:
      active: { path: /healthz, interval: ${INTERVAL_MS}ms, timeout: 500ms, healthyThreshold: 2, unhealthyThreshold: 2 }
      passive: { consecutiveFailures: 3, ejectFor: 30s, maxEjectedPercent: 50 }
    slowStart: ${SLOW_START_MS}ms
routes: [{ name: r, match: { path: / }, upstream: u }]
logging: { level: warn, accessLog: false }
`
  gw = await startGateway(yaml(128))
  const upstream = gw.gateway.snapshot.upstreams.get('u')!
  const b = upstream.targets.find(t => t.id === `http://127.0.0.1:${pb}`)!
  const probeB = upstream.parts.map(([, p]) => p)
    .find((p): p is ActiveProbe => p instanceof ActiveProbe && p.target === b.id)!

  const client = new Pool(gw.url, { connections: LOOPS })
  const answers: Answer[] = []
  const loading = { on: true }
  const loop = async (): Promise<void> => {
    while (loading.on) {
      const r = await client.request({ method: 'GET', path: '/load' })
      await r.body.dump()
      answers.push({ at: performance.now(), status: r.statusCode, upstream: String(r.headers['x-upstream'] ?? '') })
      await new Promise(resolve => setTimeout(resolve, PAUSE_MS))
    }
  }
  const load = Promise.all(Array.from({ length: LOOPS }, loop))
  const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

  await sleep(3000)
  const killedAt = performance.now()
  await procs[1]!.kill()
  await until('b marked down', () => b.state.down, 10_000)
  const downAt = performance.now()

  // A reload under load that rebuilds the upstream (another pool size) keeps b out.
  await sleep(500)
  assert.deepEqual(await gw.reload(yaml(64)), { ok: true })
  const reloaded = gw.gateway.snapshot.upstreams.get('u')!.targets.find(t => t.id === b.id)!
  assert.notEqual(reloaded, b, 'a new pool')
  assert.equal(reloaded.state, b.state, 'the same verdicts')
  assert.notEqual(reloaded.health, 'healthy')

  await sleep(1500)
  procs[1] = await startTargetProcess(pb, 'b')
  const restartedAt = performance.now()
  const probesBefore = probeB.probes
  await until('b up again', () => b.health === 'healthy', 10_000)
  const upAt = performance.now()
  const goodProbes = probeB.probes - probesBefore

  await sleep(SLOW_START_MS + 2000)
  loading.on = false
  await load
  await client.close()

  let ramp: number[] = []
  const bad = answers.filter(a => a.status < 200 || a.status > 299)
  const report = (): string => `${answers.length} answers at ${rate.toFixed(0)} req/s, ${bad.length} not 2xx; ` +
    `down ${(downAt - killedAt).toFixed(0)} ms after the kill; up ${(upAt - restartedAt).toFixed(0)} ms after the ` +
    `restart (${goodProbes} probes); b's share over the ramp's thirds and after: ${ramp.map(s => s.toFixed(2))}`
  const seconds = (answers.at(-1)!.at - answers[0]!.at) / 1000
  const rate = answers.length / seconds
  t.after(() => { t.diagnostic(report()) })
  assert.ok(rate >= 150, `load of a few hundred req/s: ${rate.toFixed(0)} req/s`)

  // Probes start at fixed times, so 2 failed ones in a row take at most 2 intervals; the margin
  // covers the polling above and a loaded event loop.
  assert.ok(downAt - killedAt <= 2 * INTERVAL_MS + 250, `down ${(downAt - killedAt).toFixed(0)} ms after the kill`)
  assert.ok(goodProbes >= 2 && goodProbes <= 3, `up after healthyThreshold good probes (${goodProbes} probes since the restart)`)
  assert.equal(answers.filter(a => a.upstream === 'b' && a.at > restartedAt && a.at < upAt).length, 0, 'no traffic to b until it is up')

  const share = (from: number, to: number): number => {
    const window = answers.filter(a => a.at >= upAt + from && a.at < upAt + to)
    return window.filter(a => a.upstream === 'b').length / window.length
  }
  const third = SLOW_START_MS / 3
  ramp = [share(0, third), share(third, 2 * third), share(2 * third, SLOW_START_MS)]
  ramp.push(share(SLOW_START_MS, SLOW_START_MS + 2000))
  // weighted: f × the full share of 0.5, f rising linearly: about 0.08, 0.25, 0.42 over the thirds, then 0.5.
  assert.ok(ramp[0]! < ramp[1]! && ramp[1]! < ramp[2]!, `ramping up: ${ramp.map(s => s.toFixed(2))}`)
  assert.ok(ramp[0]! < 0.2, `the first third stays low: ${ramp.map(s => s.toFixed(2))}`)
  assert.ok(Math.abs(ramp[3]! - 0.5) < 0.1, `full share after slowStart: ${ramp.map(s => s.toFixed(2))}`)
  assert.deepEqual(bad.map(a => a.status), [], `${answers.length} answers, all 2xx`)
})
