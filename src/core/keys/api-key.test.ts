import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createHash } from 'node:crypto'
import { generateKey, hashBytes, hashSecret, parseKey, secretMatches } from './api-key.js'

test('a generated key parses back to its id, and only its secret matches the stored hash', () => {
  const { key, id, hash } = generateKey()
  assert.match(key, /^slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
  const parsed = parseKey(key)!
  assert.equal(parsed.id, id)
  assert.equal(hashSecret(parsed.secret), hash)
  assert.equal(hash, createHash('sha256').update(parsed.secret).digest('hex'), 'hashes stored by earlier versions still match')
  assert.ok(secretMatches(parsed.secret, hashBytes(hash)))
  assert.ok(secretMatches(parsed.secret, hashBytes(hash.toUpperCase())))
  assert.ok(!secretMatches(parsed.secret.slice(0, -1) + (parsed.secret.endsWith('A') ? 'B' : 'A'), hashBytes(hash)))
  assert.ok(!secretMatches(parsed.secret, hashBytes('abcd')), 'a stored hash of another length never matches')
  assert.ok(!secretMatches(parsed.secret, hashBytes('zz' + hash.slice(2))), 'nor does one that is not hex')
  assert.notEqual(generateKey().key, key)
})

test('malformed keys do not parse', () => {
  const { key } = generateKey()
  for (const bad of ['', 'slk_', key.slice(0, -1), key + 'x', key.replace('slk_', 'sk_'), `slk_${'G'.repeat(16)}_${'a'.repeat(43)}`,
    key.slice(0, 20) + '-' + key.slice(21)]) {
    assert.equal(parseKey(bad), undefined, bad)
  }
})
