import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createWeightedRandom } from './random.js'
import { countPicks, makeCtx, makeTargets } from '../../../../test/helpers/balancer-targets.js'
import { seededRandom } from '../../../../test/helpers/seeded-random.js'

test('weighted random follows the weights within tolerance', () => {
  const targets = makeTargets([1, 2, 7])
  const rnd = createWeightedRandom(targets, { random: seededRandom(42) })
  const ctx = makeCtx()
  const n = 20_000
  const counts = countPicks(targets, n, () => rnd.pick(ctx))
  const expected = [0.1, 0.2, 0.7]
  counts.forEach((c, i) => assert.ok(Math.abs(c / n - expected[i]!) < 0.015, `target ${i}: ${c / n}`))
})

test('maps the random number onto cumulative weights', () => {
  const targets = makeTargets([1, 3])
  let r = 0
  const rnd = createWeightedRandom(targets, { random: () => r })
  const ctx = makeCtx()
  r = 0.24
  assert.equal(rnd.pick(ctx), targets[0])
  r = 0.25
  assert.equal(rnd.pick(ctx), targets[1])
  r = 0.999999
  assert.equal(rnd.pick(ctx), targets[1])
})

test('never picks unavailable or excluded targets', () => {
  const targets = makeTargets([1, 5, 5, 1])
  const rnd = createWeightedRandom(targets, { random: seededRandom(7) })
  const ctx = makeCtx()
  targets[1]!.health = 'unhealthy'
  const exclude = new Set([targets[2]!])
  const counts = countPicks(targets, 2000, () => rnd.pick(ctx, exclude))
  assert.equal(counts[1], 0)
  assert.equal(counts[2], 0)
  assert.ok(counts[0]! > 900 && counts[3]! > 900, `${counts}`)
})

test('returns undefined when no target is left', () => {
  const targets = makeTargets([1, 1])
  const rnd = createWeightedRandom(targets, { random: seededRandom(1) })
  targets[0]!.health = 'unhealthy'
  assert.equal(rnd.pick(makeCtx(), new Set([targets[1]!])), undefined)
  assert.equal(createWeightedRandom([]).pick(makeCtx()), undefined)
})
