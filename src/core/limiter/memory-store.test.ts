import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../manual-clock.js'
import { InvalidOptionsError } from '../../errors.js'
import type { BucketRule } from './limiter.js'
import type { WindowRule } from './windows.js'
import { createMemoryStore } from './memory-store.js'

const rule: BucketRule = { rate: 10, periodMs: 1000, burst: 10 }

test('answers like the token bucket, per key', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  for (let i = 0; i < 10; i++) assert.equal(store.take('a', 1, rule).ok, true)
  assert.deepEqual(store.take('a', 1, rule), { ok: false, retryAfterMs: 100, remaining: 0, resetMs: 1000 })
  assert.equal(store.take('b', 1, rule).ok, true, 'another key has its own bucket')
  clock.advance(100)
  assert.equal(store.take('a', 1, rule).ok, true)
})

test('a flood of a million distinct keys never holds more than maxKeys', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock, maxKeys: 1000 })
  let peak = 0
  for (let i = 0; i < 1_000_000; i++) {
    store.take(`k${i}`, 1, rule)
    if (store.size > peak) peak = store.size
  }
  assert.equal(peak, 1000)
})

test('eviction drops the least recently written key first', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock, maxKeys: 2 })
  for (let i = 0; i < 10; i++) store.take('a', 1, rule)
  store.take('b', 1, rule)
  store.take('a', 0, rule) // touch: a becomes the newest
  store.take('c', 1, rule)
  assert.equal(store.size, 2)
  assert.equal(store.take('a', 1, rule).ok, false, 'a was kept, still empty')
  assert.equal(store.take('b', 1, rule).remaining, 9, 'b was evicted and starts full')
})

test('idle keys expire once their bucket is full again, without timers', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  for (let i = 0; i < 50; i++) store.take(`idle${i}`, 1, rule)
  assert.equal(store.size, 50)
  assert.equal(clock.pending, 0)
  clock.advance(100)
  for (let i = 0; i < 30; i++) store.take('hot', 1, rule)
  assert.equal(store.size, 50 + 1 - 2, 'inserting hot swept the two oldest expired keys; its updates sweep nothing')
  for (let i = 0; i < 10; i++) store.take(`new${i}`, 1, rule)
  assert.equal(store.size, 49 + 10 - 10 * 2, 'each new key swept the two oldest expired keys')
  clock.advance(1000)
  for (let i = 0; i < 40; i++) store.take(`w${i}`, 0, rule)
  assert.equal(store.size, 0, 'every bucket is full, none is kept')
})

test('refund and pause act on the stored bucket', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  for (let i = 0; i < 10; i++) store.take('a', 1, rule)
  store.refund('a', 2, rule)
  assert.equal(store.take('a', 2, rule).ok, true)
  store.refund('never-seen', 5, rule)
  assert.equal(store.size, 1, 'refunding an unknown key stores nothing')
  store.pause('p', 3000, rule)
  assert.deepEqual(store.take('p', 1, rule), { ok: false, retryAfterMs: 3000, remaining: 0, resetMs: 3900 })
  clock.advance(3000)
  assert.equal(store.take('p', 1, rule).ok, true)
})

test('maxKeys must be a positive integer', () => {
  assert.throws(() => createMemoryStore({ maxKeys: 0 }), InvalidOptionsError)
})

test('tryTakeSync writes the same decisions take returns, into one object', () => {
  const clockA = new ManualClock()
  const clockB = new ManualClock()
  const a = createMemoryStore({ clock: clockA })
  const b = createMemoryStore({ clock: clockB })
  const out = { ok: false, remaining: 0, retryAfterMs: 0, resetMs: 0 }
  const costs = [1, 1, 3, 0, 2, 1, 12, 1, 5, 1, 1, 1, 2, 4]
  for (let i = 0; i < 60; i++) {
    const cost = costs[i % costs.length]!
    const d = a.take('k', cost, rule)
    assert.equal(b.tryTakeSync('k', cost, rule, clockB.now(), out), d.ok)
    const want = d.ok ? { ...d, retryAfterMs: 0 } : d
    assert.deepEqual({ ...out }, { ...want }, `step ${i}`)
    clockA.advance(37)
    clockB.advance(37)
  }
})

test('a key written at least once per maxKeys / 2 new keys is never evicted by a flood', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock, maxKeys: 100 })
  for (let i = 0; i < 10; i++) store.take('hot', 1, rule)
  for (let i = 0; i < 10_000; i++) {
    store.take(`cold${i}`, 1, rule)
    if (i % 50 === 0) store.take('hot', 0, rule)
  }
  assert.equal(store.take('hot', 1, rule).ok, false, 'hot kept its empty bucket')
  assert.ok(store.size <= 100)
})

test('takeAll charges every bucket when all allow, and none when one refuses', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  const small: BucketRule = { rate: 2, periodMs: 1000, burst: 2 }
  const batch = [{ key: 'big', cost: 1, rule }, { key: 'small', cost: 1, rule: small }]
  assert.deepEqual(store.takeAll(batch).map(d => d.ok), [true, true])
  assert.deepEqual(store.takeAll(batch).map(d => d.ok), [true, true])
  const refused = store.takeAll(batch)
  assert.deepEqual(refused.map(d => d.ok), [true, false])
  assert.deepEqual(refused[1], { ok: false, retryAfterMs: 500, remaining: 0, resetMs: 1000 })
  assert.equal(store.take('big', 1, rule).remaining, 7, 'the refused batch charged big nothing (10 - 2 - this one)')
})

test('takeAll mixes token buckets and window counters; a window refusal charges the bucket nothing', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  const day: WindowRule = { algorithm: 'fixed-window', limit: 3, period: { ms: 86_400_000 } }
  const batch = [{ key: 'b', cost: 1, rule }, { key: 'q', cost: 1, rule: day }]
  for (let i = 0; i < 3; i++) assert.deepEqual(store.takeAll(batch).map(d => d.ok), [true, true])
  const refused = store.takeAll(batch)
  assert.equal(refused[1]!.ok, false)
  // ManualClock's wall time starts at 2026-01-01T00:00Z: the day's window ends 24h later.
  assert.equal(!refused[1]!.ok && refused[1]!.retryAfterMs, 86_400_000)
  assert.equal(store.take('b', 1, rule).remaining, 6, 'the bucket paid for 3 requests, not 4')
  clock.advance(86_400_000)
  assert.equal(store.takeAll(batch)[1]!.ok, true, 'a new day')
})

test('delay: takeAll reserves a later slot; refundAll gives it back when the request leaves', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  const fixed: WindowRule = { algorithm: 'fixed-window', limit: 2, period: { ms: 1000 } }
  const batch = [{ key: 'g', cost: 1, rule, maxDelayMs: 300 }, { key: 'w', cost: 1, rule: fixed, maxDelayMs: 1000 }]
  for (let i = 0; i < 2; i++) store.takeAll(batch)
  const late = store.takeAll(batch)
  assert.deepEqual(late.map(d => d.ok && d.delayMs), [undefined, 1000])
  assert.deepEqual(store.peekAll(batch), [{ remaining: 7, resetMs: 300 }, { remaining: 0, resetMs: 2000 }])
  store.refundAll(batch, late)
  assert.deepEqual(store.peekAll(batch), [{ remaining: 8, resetMs: 200 }, { remaining: 0, resetMs: 1000 }])
  for (let i = 0; i < 8; i++) store.take('g', 1, rule)
  const g = store.takeAll([batch[0]!])
  assert.deepEqual(g, [{ ok: true, remaining: 0, resetMs: 1100, delayMs: 100 }])
  assert.equal(store.takeAll([{ ...batch[0]!, maxDelayMs: 150 }])[0]!.ok, false, 'the next slot is 200ms away')
})

test('window counters are forgotten once their counts have run out', () => {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  const sliding: WindowRule = { algorithm: 'sliding-window', limit: 5, period: { ms: 1000 } }
  for (let i = 0; i < 20; i++) store.takeAll([{ key: `k${i}`, cost: 1, rule: sliding }])
  assert.equal(store.size, 20)
  clock.advance(2000)
  for (let i = 0; i < 20; i++) store.takeAll([{ key: `n${i}`, cost: 0, rule: sliding }])
  assert.equal(store.size, 0)
})
