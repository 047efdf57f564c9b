import assert from 'node:assert/strict'
import { test } from 'node:test'
import { stableKey } from './stable-key.js'

test('key order does not change the key; values, nesting and array order do', () => {
  assert.equal(stableKey({ a: 1, b: { c: [1, 2], d: 'x' } }), stableKey({ b: { d: 'x', c: [1, 2] }, a: 1 }))
  assert.notEqual(stableKey({ a: [1, 2] }), stableKey({ a: [2, 1] }))
  assert.notEqual(stableKey({ a: '1' }), stableKey({ a: 1 }))
  assert.equal(stableKey({ a: undefined }), '{"a":null}')
})
