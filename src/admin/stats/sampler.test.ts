import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../core/manual-clock.js'
import { createMetrics } from '../../observability/metrics.js'
import { StatsSampler } from './sampler.js'

test('a window compares now with the newest sample at least that old; the process start is the first sample', async () => {
  const clock = new ManualClock()
  const metrics = createMetrics()
  const sampler = new StatsSampler(metrics, clock)
  const hit = (n: number, code = '200', seconds = 0.02): void => {
    for (let i = 0; i < n; i++) {
      metrics.httpRequests.inc({ route: 'r', method: 'GET', code })
      metrics.httpDuration.observe({ route: 'r' }, seconds)
    }
  }
  hit(10)
  clock.advance(5000)
  let w = await sampler.window(60)
  assert.equal(w.seconds, 5, 'younger than the window: since start')
  assert.deepEqual(w.routes.map(r => [r.route, r.total, r.requests, r.errors]), [['r', 10, 10, 0]])
  assert.equal(w.bounds.at(-1), Infinity)

  hit(4, '503')
  clock.advance(60_000)
  w = await sampler.window(60)
  assert.equal(w.seconds, 60, 'the 5 s sample is exactly 60 s old')
  assert.deepEqual(w.routes.map(r => [r.total, r.requests, r.errors]), [[14, 4, 4]])
  assert.equal(w.routes[0]!.buckets.at(-1), 4)

  clock.advance(500)
  hit(1)
  w = await sampler.window(1)
  assert.equal(w.seconds, 60.5, 'the 65 s sample is too young for a 1 s window')
  clock.advance(1100)
  w = await sampler.window(1)
  assert.equal(w.seconds, 1.6, 'the 65.5 s sample came under 1 s after the last, so it was not kept')
  assert.deepEqual(w.routes.map(r => r.requests), [1])
})
