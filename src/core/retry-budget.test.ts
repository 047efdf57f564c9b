import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRetryBudget } from './retry-budget.js'
import { ManualClock } from './manual-clock.js'
import { InvalidOptionsError } from '../errors.js'

test('budget allows max(minPerSecond × window, ratio × requests) retries', () => {
  const cases = [
    { desc: 'ratio dominates', ratio: 0.2, minPerSecond: 0.1, requests: 100, want: 20 },
    { desc: 'floor dominates', ratio: 0.2, minPerSecond: 3, requests: 100, want: 30 },
    { desc: 'no traffic, floor only', ratio: 0.5, minPerSecond: 1, requests: 0, want: 10 },
    { desc: 'zero budget', ratio: 0, minPerSecond: 0, requests: 50, want: 0 },
  ]
  for (const c of cases) {
    const clock = new ManualClock()
    const b = createRetryBudget({ ratio: c.ratio, minPerSecond: c.minPerSecond, windowMs: 10_000 }, clock)
    for (let i = 0; i < c.requests; i++) b.recordRequest()
    let granted = 0
    while (granted < 1000 && b.tryRetry()) granted++
    assert.equal(granted, c.want, c.desc)
    assert.equal(b.retries, c.want, c.desc)
  }
})

test('the window slides: old requests and retries are forgotten', () => {
  const clock = new ManualClock()
  const b = createRetryBudget({ ratio: 0.5, minPerSecond: 0, windowMs: 1000 }, clock)
  for (let i = 0; i < 10; i++) b.recordRequest()
  for (let i = 0; i < 5; i++) assert.ok(b.tryRetry())
  assert.equal(b.tryRetry(), false)
  clock.advance(999)
  assert.equal(b.requests, 10, 'still inside the window')
  clock.advance(1)
  assert.equal(b.requests, 0)
  assert.equal(b.retries, 0)
  assert.equal(b.tryRetry(), false, 'no traffic and no floor: nothing to retry')
  b.recordRequest(); b.recordRequest()
  assert.ok(b.tryRetry())
})

test('invalid options throw InvalidOptionsError', () => {
  assert.throws(() => createRetryBudget({ ratio: -1, minPerSecond: 0, windowMs: 10 }), InvalidOptionsError)
  assert.throws(() => createRetryBudget({ ratio: 0.1, minPerSecond: 0, windowMs: 0 }), InvalidOptionsError)
})
