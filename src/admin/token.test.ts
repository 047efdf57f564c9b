import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createTokenCheck } from './token.js'

const TOKEN = 'correct-horse-battery-staple'

const cases = [
  { desc: 'exact bearer token', header: `Bearer ${TOKEN}`, want: 'ok' },
  { desc: 'scheme is case-insensitive', header: `bearer ${TOKEN}`, want: 'ok' },
  { desc: 'missing header', header: undefined, want: 'unauthorized' },
  { desc: 'empty header', header: '', want: 'unauthorized' },
  { desc: 'wrong scheme', header: `Basic ${TOKEN}`, want: 'unauthorized' },
  { desc: 'token without scheme', header: TOKEN, want: 'unauthorized' },
  { desc: 'prefix of the token (shorter)', header: `Bearer ${TOKEN.slice(0, -1)}`, want: 'unauthorized' },
  { desc: 'token plus one char (longer)', header: `Bearer ${TOKEN}x`, want: 'unauthorized' },
  { desc: 'same length, one char differs', header: `Bearer ${TOKEN.slice(0, -1)}f`, want: 'unauthorized' },
  { desc: 'very long value does not throw', header: `Bearer ${'a'.repeat(10_000)}`, want: 'unauthorized' },
  { desc: 'two tokens', header: `Bearer ${TOKEN} ${TOKEN}`, want: 'unauthorized' },
] as const

for (const c of cases) {
  test(`token check: ${c.desc} → ${c.want}`, () => {
    assert.equal(createTokenCheck(TOKEN)(c.header), c.want)
  })
}

test('no configured token disables protected endpoints whatever the header says', () => {
  for (const expected of [undefined, '']) {
    const check = createTokenCheck(expected)
    assert.equal(check(`Bearer ${TOKEN}`), 'not-configured')
    assert.equal(check('Bearer '), 'not-configured')
    assert.equal(check(undefined), 'not-configured')
  }
})
