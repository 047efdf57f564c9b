import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createP2C } from './p2c.js'
import { countPicks, makeCtx, makeTargets } from '../../../../test/helpers/balancer-targets.js'
import { seededRandom } from '../../../../test/helpers/seeded-random.js'

test('of two sampled targets, the one with fewer requests in flight wins', () => {
  const targets = makeTargets([1, 1])
  const p2c = createP2C(targets, { random: seededRandom(1) })
  const ctx = makeCtx()
  targets[0]!.inFlight = 3
  targets[1]!.inFlight = 2
  assert.deepEqual(countPicks(targets, 50, () => p2c.pick(ctx)), [0, 50])
  targets[0]!.inFlight = 1
  assert.deepEqual(countPicks(targets, 50, () => p2c.pick(ctx)), [50, 0])
})

test('prefers less loaded targets across many; the most loaded is never chosen', () => {
  const targets = makeTargets([1, 1, 1, 1])
  targets.forEach((t, i) => { t.inFlight = i * 10 })
  const p2c = createP2C(targets, { random: seededRandom(3) })
  const counts = countPicks(targets, 6000, () => p2c.pick(makeCtx()))
  // Rank r wins against the (3 - r) heavier ones: 3/6, 2/6, 1/6, 0 of all pairs.
  const expected = [0.5, 1 / 3, 1 / 6, 0]
  counts.forEach((c, i) => assert.ok(Math.abs(c / 6000 - expected[i]!) < 0.03, `target ${i}: ${c / 6000}`))
  assert.equal(counts[3], 0)
})

test('when loads tie, the heavier target wins', () => {
  const targets = makeTargets([1, 4])
  const p2c = createP2C(targets, { random: seededRandom(5) })
  assert.deepEqual(countPicks(targets, 40, () => p2c.pick(makeCtx())), [0, 40])
})

test('spreads evenly when every target is equally loaded', () => {
  const targets = makeTargets([1, 1, 1, 1, 1])
  const p2c = createP2C(targets, { random: seededRandom(11) })
  const ctx = makeCtx()
  const counts = countPicks(targets, 10_000, () => p2c.pick(ctx))
  counts.forEach((c, i) => assert.ok(Math.abs(c / 10_000 - 0.2) < 0.02, `target ${i}: ${c / 10_000}`))
})

test('with one eligible target, picks it without consulting randomness', () => {
  const targets = makeTargets([1, 1, 1])
  const p2c = createP2C(targets, { random: () => { throw new Error('random called') } })
  targets[0]!.health = 'unhealthy'
  assert.equal(p2c.pick(makeCtx(), new Set([targets[2]!])), targets[1])
})

test('never picks unavailable or excluded targets; undefined when none is left', () => {
  const targets = makeTargets([1, 1, 1, 1])
  const p2c = createP2C(targets, { random: seededRandom(9) })
  targets[0]!.health = 'unhealthy'
  targets[3]!.inFlight = -5
  const exclude = new Set([targets[3]!])
  const counts = countPicks(targets, 400, () => p2c.pick(makeCtx(), exclude))
  assert.equal(counts[0]! + counts[3]!, 0)
  assert.ok(counts[1]! > 0 && counts[2]! > 0)
  targets[1]!.health = 'unhealthy'
  targets[2]!.health = 'unhealthy'
  assert.equal(p2c.pick(makeCtx(), exclude), undefined)
  assert.equal(createP2C([]).pick(makeCtx()), undefined)
})
