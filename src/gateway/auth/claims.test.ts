import assert from 'node:assert/strict'
import { test } from 'node:test'
import { claimAt, headerValue, stringList } from './claims.js'

test('claimAt reads dotted paths, own dotted names first, nothing from the prototype', () => {
  const claims = { sub: 'u1', realm_access: { roles: ['admin'] }, 'a.b': 'flat', a: { b: 'deep' } }
  assert.equal(claimAt(claims, 'sub'), 'u1')
  assert.deepEqual(claimAt(claims, 'realm_access.roles'), ['admin'])
  assert.equal(claimAt(claims, 'a.b'), 'flat')
  assert.equal(claimAt(claims, 'realm_access.missing'), undefined)
  assert.equal(claimAt(claims, 'constructor'), undefined)
  assert.equal(claimAt(claims, 'sub.length'), undefined)
})

test('scopes and roles: space-separated string or array of strings', () => {
  assert.deepEqual(stringList('orders:read  orders:write'), ['orders:read', 'orders:write'])
  assert.deepEqual(stringList(['a', 1, 'b']), ['a', 'b'])
  assert.deepEqual(stringList(42), [])
})

test('forwarded claim values never carry CR or LF', () => {
  assert.equal(headerValue('u1'), 'u1')
  assert.equal(headerValue(['a', 'b']), 'a,b')
  assert.equal(headerValue({ team: 'x' }), '{"team":"x"}')
  assert.equal(headerValue('a\r\nx-evil: 1'), undefined)
  assert.equal(headerValue(undefined), undefined)
})
