import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RollingWindow } from './rolling-window.js'
import { ManualClock } from './manual-clock.js'

test('sums per field over the window and drops whole buckets as they age out', () => {
  const clock = new ManualClock()
  const w = new RollingWindow(1000, 2, clock, 10)
  w.add(0); w.add(0); w.add(1, 5)
  clock.advance(450)
  w.add(0)
  const cases = [
    { desc: 'same moment', at: 450, f0: 3, f1: 5 },
    { desc: 'first bucket still in', at: 999, f0: 3, f1: 5 },
    { desc: 'first bucket out', at: 1000, f0: 1, f1: 0 },
    { desc: 'second bucket just in', at: 1399, f0: 1, f1: 0 },
    { desc: 'everything out', at: 1400, f0: 0, f1: 0 },
  ]
  for (const c of cases) {
    clock.advance(c.at - clock.now())
    assert.deepEqual([w.sum(0), w.sum(1)], [c.f0, c.f1], c.desc)
  }
})

test('a reused slot starts from zero, even after a long idle gap', () => {
  const clock = new ManualClock()
  const w = new RollingWindow(100, 1, clock, 4)
  w.add(0, 3)
  clock.advance(100 * 7)
  w.add(0)
  assert.equal(w.sum(0), 1)
  w.reset()
  assert.equal(w.sum(0), 0)
  assert.throws(() => new RollingWindow(0, 1, clock))
})
