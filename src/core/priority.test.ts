import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parsePriority } from './priority.js'
import type { PriorityInput } from './priority.js'
import { InvalidOptionsError } from '../errors.js'

test('parsePriority maps names and levels; default normal', () => {
  const cases: [PriorityInput, number][] = [
    ['highest', 1], ['high', 2], ['normal', 3], ['low', 4], ['lowest', 5],
    [1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [undefined, 3],
  ]
  for (const [input, want] of cases) assert.equal(parsePriority(input), want, String(input))
})

test('parsePriority rejects anything else', () => {
  for (const bad of [0, 6, 2.5, -1, NaN, 'urgent', 'HIGH', '1', null, 'toString', {}]) {
    assert.throws(() => parsePriority(bad as PriorityInput), InvalidOptionsError, String(bad))
  }
})
