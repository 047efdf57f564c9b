import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hash32 } from './hash.js'

test('hash32 is a stable unsigned 32-bit value, and hashing a range equals hashing the slice', () => {
  const s = 'a=1; sid=user-42; b=2'
  const h = hash32('user-42')
  assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32)
  assert.equal(hash32('user-42'), h)
  assert.equal(hash32(s, 9, 16), h)
  assert.notEqual(hash32('user-43'), h)
})

test('similar inputs spread over the whole range (top bits included)', () => {
  const buckets = new Array(16).fill(0)
  for (let i = 0; i < 16_000; i++) buckets[hash32(`http://t:80#${i}`) >>> 28]++
  for (const b of buckets) assert.ok(b > 850 && b < 1150, `${buckets}`)
})
