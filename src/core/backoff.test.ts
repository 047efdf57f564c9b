import { test } from 'node:test'
import assert from 'node:assert/strict'
import { backoffDelay } from './backoff.js'
import { seededRandom } from '../../test/helpers/seeded-random.js'

test('backoffDelay: ceiling doubles per attempt and stops at maxMs', () => {
  const cases = [
    { desc: 'first retry', attempt: 1, baseMs: 100, maxMs: 10_000, ceiling: 100 },
    { desc: 'second retry', attempt: 2, baseMs: 100, maxMs: 10_000, ceiling: 200 },
    { desc: 'fifth retry', attempt: 5, baseMs: 100, maxMs: 10_000, ceiling: 1600 },
    { desc: 'capped', attempt: 10, baseMs: 100, maxMs: 5000, ceiling: 5000 },
    { desc: 'huge attempt does not overflow to NaN', attempt: 5000, baseMs: 100, maxMs: 5000, ceiling: 5000 },
    { desc: 'attempt 0 treated as first', attempt: 0, baseMs: 100, maxMs: 5000, ceiling: 100 },
  ]
  for (const c of cases) {
    const opts = { baseMs: c.baseMs, maxMs: c.maxMs }
    assert.equal(backoffDelay(c.attempt, opts, () => 0), 0, c.desc)
    assert.equal(backoffDelay(c.attempt, opts, () => 0.5), c.ceiling / 2, c.desc)
    assert.ok(backoffDelay(c.attempt, opts, () => 0.999999) < c.ceiling, c.desc)
  }
})

test('backoffDelay: seeded samples stay within [0, ceiling) and are spread out', () => {
  const random = seededRandom(42)
  const samples = Array.from({ length: 2000 }, () => backoffDelay(3, { baseMs: 100, maxMs: 1000 }, random))
  assert.ok(samples.every(s => s >= 0 && s < 400))
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length
  assert.ok(mean > 180 && mean < 220, `mean ${mean} should be near 200 (full jitter)`)
})
