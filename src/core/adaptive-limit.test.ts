import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAdaptiveLimit } from './adaptive-limit.js'
import type { AdaptiveLimit } from './adaptive-limit.js'
import { ManualClock } from './manual-clock.js'

/**
 * One window of a dependency that serves `capacity` calls at once in `serviceMs` and queues the
 * rest: with the limit full, call i waits floor(i / capacity) service times before its own.
 */
function queueingWindow (a: AdaptiveLimit, clock: ManualClock, capacity: number, serviceMs: number): void {
  clock.advance(100)
  const n = a.limit
  for (let i = 0; i < Math.max(n, 10); i++) a.record(serviceMs * (Math.floor((i % n) / capacity) + 1), n, true)
}

function run (windows: number, each: (a: AdaptiveLimit, clock: ManualClock) => void, min = 1, max = 1000) {
  const clock = new ManualClock()
  const a = createAdaptiveLimit({ min, max }, { clock })
  const seen: number[] = []
  for (let w = 0; w < windows; w++) {
    each(a, clock)
    seen.push(a.limit)
  }
  return { a, seen }
}

test('the limit climbs to the knee of a queueing upstream and stays near it', () => {
  const cases = [
    { capacity: 20, lo: 15, hi: 35 },
    { capacity: 100, lo: 80, hi: 140 },
    { capacity: 5, lo: 3, hi: 12 },
  ]
  for (const c of cases) {
    const { seen, a } = run(200, (a, clock) => { queueingWindow(a, clock, c.capacity, 10) })
    const late = seen.slice(100)
    assert.ok(Math.min(...late) >= c.lo && Math.max(...late) <= c.hi, `capacity ${c.capacity}: ${late.join(',')}`)
    assert.equal(a.minRtt, 10)
  }
})

test('flat latency under full use grows the limit to max; an idle (app-limited) limit holds', () => {
  const busy = run(100, (a, clock) => {
    clock.advance(100)
    for (let i = 0; i < Math.max(10, a.limit); i++) a.record(10, a.limit, true)
  }, 1, 64)
  assert.equal(busy.a.limit, 64)
  const idle = run(100, (a, clock) => {
    clock.advance(100)
    for (let i = 0; i < 20; i++) a.record(10, 2, true)
  }, 4, 64)
  assert.ok(idle.a.limit <= 6, `app-limited: ${idle.seen.join(',')}`)
})

test('failures shrink the limit by their share, at most by half per window, never below min', () => {
  const cases = [
    { desc: 'none', failEvery: 0, expect: (l: number) => l > 40 },
    { desc: 'half fail', failEvery: 2, expect: (l: number) => l === 8 },
    { desc: 'all fail', failEvery: 1, expect: (l: number) => l === 8 },
  ]
  for (const c of cases) {
    const clock = new ManualClock()
    const a = createAdaptiveLimit({ min: 8, max: 64 }, { clock })
    for (let w = 0; w < 30; w++) {
      clock.advance(100)
      const n = Math.max(a.limit, 10)
      for (let i = 0; i < n; i++) a.record(10, a.limit, !(c.failEvery > 0 && i % c.failEvery === 0))
    }
    assert.ok(c.expect(a.limit), `${c.desc}: ${a.limit}`)
  }
})

test('one slow window halves the limit at most', () => {
  const clock = new ManualClock()
  const a = createAdaptiveLimit({ min: 1, max: 1000, maxSamples: 2000 }, { clock })
  for (let w = 0; w < 40; w++) {
    clock.advance(100)
    for (let i = 0; i < Math.max(10, a.limit); i++) a.record(10, a.limit, true)
  }
  const before = a.limit
  clock.advance(100)
  for (let i = 0; i < Math.max(10, before); i++) a.record(1000, before, true)
  clock.advance(100)
  a.record(1000, before, true)
  assert.ok(a.limit >= Math.floor(before / 2) && a.limit < before, `${before} → ${a.limit}`)
})

test('windows close on time with minSamples (a probe with twice as many), or at once at maxSamples', () => {
  const clock = new ManualClock()
  const a = createAdaptiveLimit({ min: 4, max: 100, windowMs: 100, minSamples: 3, maxSamples: 8 }, { clock })
  for (let i = 0; i < 6; i++) a.record(10, 4, true)
  assert.equal(a.minRtt, undefined, 'the probe window is still open: too early')
  clock.advance(100)
  a.record(8, 4, true)
  assert.equal(a.minRtt, 10, 'the first call after the window\'s end closed it, and opened the next')
  a.record(8, 4, true); a.record(8, 4, true)
  clock.advance(100)
  a.record(8, 4, true)
  assert.equal(a.limit, 6, '4 + sqrt(4)')
  assert.equal(a.minRtt, 10, 'only probes set minRtt')
  for (let i = 0; i < 7; i++) a.record(8, 6, true)
  assert.equal(a.limit, 8, 'closed at maxSamples without time passing: 6 + sqrt(6)')
})

test('a probe window every probeIntervalMs pins the limit to min and measures minRtt again', () => {
  const clock = new ManualClock()
  const a = createAdaptiveLimit({ min: 2, max: 100, minSamples: 1, probeIntervalMs: 1000 }, { clock })
  const windowOf = (latency: number, inFlight: number): void => {
    clock.advance(100)
    a.record(latency, inFlight, true)
    a.record(latency, inFlight, true)
  }
  assert.equal(a.limit, 2, 'the first window is a probe')
  windowOf(5, 2)
  windowOf(20, 2)
  assert.equal(a.minRtt, 5, 'measured by the first probe')
  windowOf(1, a.limit)
  for (let i = 0; i < 7; i++) windowOf(20, a.limit)
  assert.equal(a.minRtt, 5, 'other windows, slower or faster, leave it alone')
  assert.ok(a.limit > 2)
  windowOf(20, a.limit)
  windowOf(20, a.limit)
  assert.equal(a.limit, 2, 'probing')
  windowOf(500, 40)
  windowOf(20, 2)
  assert.equal(a.limit, 2, 'calls admitted before the probe do not count for it: still probing')
  windowOf(20, 2)
  assert.equal(a.minRtt, 20, 'the probe measured the slower upstream')
  assert.ok(a.limit > 2, 'the limit is back')
})

test('invalid options throw', () => {
  assert.throws(() => createAdaptiveLimit({ min: 0, max: 1 }), /min <= max/)
  assert.throws(() => createAdaptiveLimit({ min: 5, max: 4 }), /min <= max/)
  assert.throws(() => createAdaptiveLimit({ min: 1, max: 4, tolerance: 0.5 }), /tolerance/)
})
