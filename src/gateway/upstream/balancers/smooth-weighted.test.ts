import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSmoothWeighted } from './smooth-weighted.js'
import { countPicks, makeCtx, makeTargets } from '../../../../test/helpers/balancer-targets.js'

test('weights 5,1,1 give nginx\'s sequence a a b a c a a, then repeat', () => {
  const targets = makeTargets([5, 1, 1])
  const swrr = createSmoothWeighted(targets)
  const ctx = makeCtx()
  const names = ['a', 'b', 'c']
  const seq = Array.from({ length: 14 }, () => names[targets.indexOf(swrr.pick(ctx)!)]).join('')
  assert.equal(seq, 'aabacaa'.repeat(2))
})

test('weights 3,1 give exactly 3:1 over many picks, never more than 3 in a row', () => {
  const targets = makeTargets([3, 1])
  const swrr = createSmoothWeighted(targets)
  const ctx = makeCtx()
  let run = 0
  let longest = 0
  const counts = countPicks(targets, 4000, () => {
    const t = swrr.pick(ctx)
    run = t === targets[0] ? run + 1 : 0
    longest = Math.max(longest, run)
    return t
  })
  assert.deepEqual(counts, [3000, 1000])
  assert.equal(longest, 3)
})

test('unavailable and excluded targets sit out; the rest keep their proportions', () => {
  const targets = makeTargets([2, 1, 5, 1])
  const swrr = createSmoothWeighted(targets)
  const ctx = makeCtx()
  targets[2]!.health = 'unhealthy'
  const exclude = new Set([targets[3]!])
  assert.deepEqual(countPicks(targets, 300, () => swrr.pick(ctx, exclude)), [200, 100, 0, 0])
})

test('returns undefined when no target is left', () => {
  const targets = makeTargets([3, 1])
  const swrr = createSmoothWeighted(targets)
  targets[0]!.health = 'unhealthy'
  assert.equal(swrr.pick(makeCtx(), new Set([targets[1]!])), undefined)
  assert.equal(createSmoothWeighted([]).pick(makeCtx()), undefined)
})
