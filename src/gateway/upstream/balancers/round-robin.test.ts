import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRoundRobin } from './round-robin.js'
import { countPicks, makeCtx, makeTargets } from '../../../../test/helpers/balancer-targets.js'

test('round robin cycles through targets in order, evenly', () => {
  const targets = makeTargets([1, 5, 1])
  const rr = createRoundRobin(targets)
  const ctx = makeCtx()
  const ids = Array.from({ length: 6 }, () => rr.pick(ctx)?.id)
  assert.deepEqual(ids, [0, 1, 2, 0, 1, 2].map(i => targets[i]!.id))
  assert.deepEqual(countPicks(targets, 300, () => rr.pick(ctx)), [100, 100, 100])
})

test('round robin skips unavailable and excluded targets', () => {
  const targets = makeTargets([1, 1, 1, 1])
  const rr = createRoundRobin(targets)
  const ctx = makeCtx()
  targets[1]!.health = 'unhealthy'
  const exclude = new Set([targets[2]!])
  assert.deepEqual(countPicks(targets, 10, () => rr.pick(ctx, exclude)), [5, 0, 0, 5])
  targets[1]!.health = 'healthy'
  assert.deepEqual(countPicks(targets, 8, () => rr.pick(ctx)), [2, 2, 2, 2])
})

test('round robin returns undefined when no target is left', () => {
  const targets = makeTargets([1, 1])
  const rr = createRoundRobin(targets)
  targets[0]!.health = 'unhealthy'
  assert.equal(rr.pick(makeCtx(), new Set([targets[1]!])), undefined)
  assert.equal(createRoundRobin([]).pick(makeCtx()), undefined)
})
