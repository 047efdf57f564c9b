import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../../core/manual-clock.js'
import { createMetrics } from '../../../observability/metrics.js'
import { OutlierEjection } from './passive.js'
import { TargetHealthState } from './state.js'

function setup (n: number, options = { consecutiveFailures: 3, ejectForMs: 1000, maxEjectedPercent: 50 }) {
  const clock = new ManualClock()
  const metrics = createMetrics()
  const states = Array.from({ length: n }, (_, i) => new TargetHealthState({
    clock,
    upstream: 'u',
    target: `http://t${i}:1`,
    healthy: metrics.upstreamTargetHealthy,
    ejections: metrics.upstreamEjections,
  }))
  for (const s of states) s.start()
  return { clock, metrics, states, passive: new OutlierEjection(options, states) }
}

function fail (p: OutlierEjection, s: TargetHealthState, n: number): void {
  for (let i = 0; i < n; i++) p.record(s, true)
}

test('consecutiveFailures in a row eject for ejectFor; a success in between resets the streak', () => {
  const { clock, states: [a], passive } = setup(2)
  fail(passive, a!, 2)
  passive.record(a!, false)
  fail(passive, a!, 2)
  assert.equal(a!.health, 'healthy', 'no streak of 3 yet')
  passive.record(a!, true)
  assert.equal(a!.health, 'ejected')
  clock.advance(999)
  assert.equal(a!.health, 'ejected')
  clock.advance(1)
  assert.equal(a!.health, 'healthy')
})

test('ejections in a row double, capped at 8 × ejectFor; staying in as long as the last ejection resets the doubling', () => {
  const { clock, states: [a], passive } = setup(2)
  const lengths: number[] = []
  for (let i = 0; i < 6; i++) {
    fail(passive, a!, 3)
    const start = clock.now()
    while (a!.ejected) clock.advance(100)
    lengths.push(clock.now() - start)
  }
  assert.deepEqual(lengths, [1000, 2000, 4000, 8000, 8000, 8000])
  clock.advance(8000)
  fail(passive, a!, 3)
  const start = clock.now()
  while (a!.ejected) clock.advance(100)
  assert.equal(clock.now() - start, 1000, 'back to ejectFor')
})

test('never more than maxEjectedPercent of the targets at once (rounded down); the streak waits for room', () => {
  const { clock, states, passive } = setup(4)
  const [a, b, c] = states as [TargetHealthState, TargetHealthState, TargetHealthState]
  fail(passive, a, 3)
  fail(passive, b, 3)
  fail(passive, c, 3)
  assert.deepEqual(states.map(s => s.health), ['ejected', 'ejected', 'healthy', 'healthy'], '50% of 4 is 2')
  clock.advance(1000)
  assert.equal(a.health, 'healthy')
  passive.record(c, true)
  assert.equal(c.health, 'ejected', 'the next failure takes the room that came free')

  const two = setup(3)
  for (const s of two.states) fail(two.passive, s, 3)
  assert.deepEqual(two.states.map(s => s.health), ['ejected', 'healthy', 'healthy'], '50% of 3 is 1')
  const none = setup(1)
  fail(none.passive, none.states[0]!, 10)
  assert.equal(none.states[0]!.health, 'healthy', '50% of 1 is 0: a lone target is never ejected')
})

test('an ejected target still down by its probes stays out after the ejection; each decider clears only its own part', () => {
  const { clock, states: [a], passive } = setup(2)
  fail(passive, a!, 3)
  a!.setDown(true)
  clock.advance(1000)
  assert.equal(a!.health, 'unhealthy')
  a!.setDown(false)
  assert.equal(a!.health, 'healthy')
})

test('sluice_upstream_ejections_total counts ejections; sluice_upstream_target_healthy reads 1/0 and goes with the target', async () => {
  const { clock, metrics, states: [a, b], passive } = setup(2)
  const healthy = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await metrics.upstreamTargetHealthy.get()).values.map(v => [v.labels.target, v.value]))
  assert.deepEqual(await healthy(), { 'http://t0:1': 1, 'http://t1:1': 1 })
  fail(passive, a!, 3)
  b!.setDown(true)
  assert.deepEqual(await healthy(), { 'http://t0:1': 0, 'http://t1:1': 0 })
  clock.advance(1000)
  fail(passive, a!, 3)
  const ejections = (await metrics.upstreamEjections.get()).values
  assert.deepEqual(ejections.map(v => [v.labels, v.value]), [[{ upstream: 'u', target: 'http://t0:1' }, 2]])
  b!.close()
  assert.deepEqual(await healthy(), { 'http://t0:1': 0 })
  a!.close()
  assert.equal(clock.pending, 0, 'a closed state leaves no timer')
})
