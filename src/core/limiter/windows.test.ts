import { test } from 'node:test'
import assert from 'node:assert/strict'
import { seededRandom } from '../../../test/helpers/seeded-random.js'
import type { WindowRule, WindowState } from './windows.js'
import { windowPeek, windowRefund, windowTake } from './windows.js'

const W = 1000
const fixed: WindowRule = { algorithm: 'fixed-window', limit: 10, period: { ms: W } }
const sliding: WindowRule = { algorithm: 'sliding-window', limit: 10, period: { ms: W } }

/** Runs takes at the given times on one counter; returns how many were admitted (no delay). */
function admitted (rule: WindowRule, times: readonly number[], state?: { s: WindowState | undefined }): number[] {
  const box = state ?? { s: undefined }
  const ok: number[] = []
  for (const t of times) {
    const r = windowTake(box.s, t, 1, rule)
    if (r.decision.ok) {
      box.s = r.state
      ok.push(t)
    }
  }
  return ok
}

test('at a window boundary fixed admits 2N within milliseconds; sliding admits none of the second N', () => {
  const times = [...Array.from({ length: 10 }, () => 10_999), ...Array.from({ length: 10 }, () => 11_001)]
  assert.equal(admitted(fixed, times).length, 20)
  assert.equal(admitted(sliding, times).length, 10)
})

test('sliding: the previous window weighs by the part the sliding window still covers', () => {
  const box = { s: undefined as WindowState | undefined }
  assert.equal(admitted(sliding, Array.from({ length: 10 }, () => 10_000), box).length, 10)
  // At 11 500 the previous window (10 requests) weighs 0.5: 5 more fit.
  assert.equal(admitted(sliding, Array.from({ length: 10 }, () => 11_500), box).length, 5)
  const refused = windowTake(box.s, 11_500, 1, sliding).decision
  assert.equal(refused.ok, false)
  // 10 × (1 − e) + 5 + 1 <= 10 from e = 0.6, at 11 600.
  assert.equal(!refused.ok && refused.retryAfterMs, 100)
  assert.equal(windowTake(box.s, 11_599, 1, sliding).decision.ok, false)
  assert.equal(windowTake(box.s, 11_600, 1, sliding).decision.ok, true)
})

test('a steady client under the limit always passes; one over it gets at most N per window', () => {
  const under = Array.from({ length: 90 }, (_, i) => 50_000 + i * 111) // 9 per second
  for (const rule of [fixed, sliding]) assert.equal(admitted(rule, under).length, 90, rule.algorithm)
  const over = Array.from({ length: 400 }, (_, i) => 50_000 + i * 25) // 40 per second
  for (const rule of [fixed, sliding]) {
    const ok = admitted(rule, over)
    for (let s = 50_000; s < 60_000; s += W) {
      const n = ok.filter(t => t >= s && t < s + W).length
      assert.ok(n <= 10, `${rule.algorithm}: ${n} in [${s}, ${s + W})`)
    }
    // Saturated, the estimate keeps the previous window's weight: slightly under N, never over.
    assert.ok(ok.length >= (rule === fixed ? 100 : 85), `${rule.algorithm}: ${ok.length} over 10 windows`)
  }
})

test('sliding never admits 2N in any interval of one window, whatever the arrivals (seeded)', () => {
  const random = seededRandom(7)
  let worst = 0
  for (let run = 0; run < 200; run++) {
    const times: number[] = []
    let t = 100_000
    for (let i = 0; i < 300; i++) {
      // Bursts at window edges are the adversarial case; mix them with random gaps.
      t += random() < 0.3 ? W - (t % W) - 1 : Math.floor(random() * 120)
      times.push(t)
    }
    const ok = admitted(sliding, times)
    for (let i = 0; i < ok.length; i++) {
      let j = i
      while (j < ok.length && ok[j]! < ok[i]! + W) j++
      worst = Math.max(worst, j - i)
    }
  }
  assert.ok(worst < 20, `worst ${worst}`)
  assert.ok(worst > 10, `the weighted counter is an approximation: worst ${worst} (bound limit × (1 + a))`)
})

test('the fields: remaining, reset at the window end (fixed) or when the counts have decayed (sliding)', () => {
  const f = windowTake(undefined, 5_250, 1, fixed)
  assert.deepEqual(f.decision, { ok: true, remaining: 9, resetMs: 750, window: 5_000 })
  const s = windowTake(undefined, 5_250, 1, sliding)
  assert.deepEqual(s.decision, { ok: true, remaining: 9, resetMs: 1_750, window: 5_000 })
  assert.equal(s.until, 7_000)
  assert.deepEqual(windowPeek(s.state, 6_500, sliding), { remaining: 9, resetMs: 500 })
  assert.deepEqual(windowPeek(f.state, 6_500, fixed), { remaining: 10, resetMs: 0 })
})

test('a fixed window refuses until its end; a cost above the limit can never pass', () => {
  const box = { s: undefined as WindowState | undefined }
  admitted(fixed, Array.from({ length: 10 }, () => 3_100), box)
  assert.deepEqual(windowTake(box.s, 3_100, 1, fixed).decision,
    { ok: false, retryAfterMs: 900, remaining: 0, resetMs: 900 })
  assert.equal(windowTake(undefined, 0, 11, fixed).decision.ok, false)
  assert.equal((windowTake(undefined, 0, 11, fixed).decision as { retryAfterMs: number }).retryAfterMs, Infinity)
})

test('delay: a full fixed window reserves in the next one, up to its limit, within maxDelay', () => {
  let s: WindowState | undefined
  for (let i = 0; i < 10; i++) s = windowTake(s, 3_900, 1, fixed).state
  const late = windowTake(s, 3_900, 1, fixed, 100)
  assert.deepEqual(late.decision, { ok: true, remaining: 0, resetMs: 1_100, delayMs: 100, window: 4_000 })
  assert.equal(windowTake(s, 3_900, 1, fixed, 99).decision.ok, false, 'the slot is beyond maxDelay')
  s = late.state
  for (let i = 0; i < 9; i++) s = windowTake(s, 3_900, 1, fixed, 100).state
  assert.equal(windowTake(s, 3_900, 1, fixed, 100).decision.ok, false, 'the next window is fully reserved')
  assert.equal(windowTake(s, 4_000, 1, fixed).decision.ok, false, 'the reservations are the new window\'s count')
  assert.deepEqual(windowPeek(s, 4_000, fixed), { remaining: 0, resetMs: 1_000 })
})

test('delay: sliding reserves the moment the estimate has decayed enough, in this window or the next', () => {
  let s: WindowState | undefined
  for (let i = 0; i < 10; i++) s = windowTake(s, 1_000, 1, sliding).state
  const d = windowTake(s, 2_000, 1, sliding, 200)
  // 10 × (1 − e) + 0 + 1 <= 10 from e = 0.1.
  assert.deepEqual(d.decision, { ok: true, remaining: 0, resetMs: 2_000, delayMs: 100, window: 2_000 })
  assert.equal(windowTake(s, 2_000, 1, sliding, 99).decision.ok, false)
})

test('refund gives a delayed request\'s slot back in the window it was charged to', () => {
  let s: WindowState | undefined
  for (let i = 0; i < 10; i++) s = windowTake(s, 3_900, 1, fixed).state
  const late = windowTake(s, 3_900, 1, fixed, 100)
  const back = windowRefund(late.state, 3_950, late.decision.ok ? late.decision.window! : 0, 1, fixed)
  assert.deepEqual(back.state, s)
  // After the boundary the reservation is the current count; the refund still finds it.
  const after = windowRefund(late.state, 4_010, 4_000, 1, fixed)
  assert.deepEqual(after.state, { start: 4_000, prev: 10, cur: 0, next: 0 })
})

test('a wall clock stepped back keeps counting in the newest window', () => {
  let s: WindowState | undefined
  for (let i = 0; i < 10; i++) s = windowTake(s, 9_500, 1, fixed).state
  assert.equal(windowTake(s, 8_900, 1, fixed).decision.ok, false)
})

test('a month quota resets on the 1st at 00:00 UTC', () => {
  const month: WindowRule = { algorithm: 'fixed-window', limit: 2, period: { months: 1 } }
  let s: WindowState | undefined
  const t = Date.parse('2026-02-27T12:00:00Z')
  s = windowTake(s, t, 1, month).state
  s = windowTake(s, t, 1, month).state
  const refused = windowTake(s, t, 1, month).decision
  assert.equal(!refused.ok && refused.retryAfterMs, Date.parse('2026-03-01T00:00:00Z') - t)
  assert.equal(windowTake(s, Date.parse('2026-03-01T00:00:00Z'), 1, month).decision.ok, true)
})
