import { test } from 'node:test'
import assert from 'node:assert/strict'
import { didYouMean, editDistance } from './hint.js'

const distances: { desc: string, a: string, b: string, d: number }[] = [
  { desc: 'equal', a: 'users', b: 'users', d: 0 },
  { desc: 'one deletion', a: 'uptream', b: 'upstream', d: 1 },
  { desc: 'one substitution', a: 'billing', b: 'bolling', d: 1 },
  { desc: 'transposition counts once', a: 'upstraem', b: 'upstream', d: 1 },
  { desc: 'from empty', a: '', b: 'abc', d: 3 },
]
for (const c of distances) {
  test(`editDistance: ${c.desc}`, () => {
    assert.equal(editDistance(c.a, c.b), c.d)
    assert.equal(editDistance(c.b, c.a), c.d)
  })
}

const hints: { desc: string, input: string, candidates: string[], out: string }[] = [
  { desc: 'close match', input: 'billing', candidates: ['orders', 'billings'], out: ' (did you mean "billings"?)' },
  { desc: 'closest of several', input: 'user', candidates: ['usr-api', 'users', 'user-x'], out: ' (did you mean "users"?)' },
  { desc: 'case-insensitive', input: 'Users', candidates: ['users'], out: ' (did you mean "users"?)' },
  { desc: 'nothing close', input: 'tls', candidates: ['server', 'routes'], out: '' },
  { desc: 'no candidates', input: 'x', candidates: [], out: '' },
]
for (const c of hints) {
  test(`didYouMean: ${c.desc}`, () => assert.equal(didYouMean(c.input, c.candidates), c.out))
}
