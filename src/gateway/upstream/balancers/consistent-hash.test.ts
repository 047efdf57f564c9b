import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createConsistentHash } from './consistent-hash.js'
import { countPicks, makeCtx, makeTargets } from '../../../../test/helpers/balancer-targets.js'
import type { Balancer, BalancerTarget } from './balancer.js'

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`)

function byUser (b: Balancer<BalancerTarget>, key: string): string | undefined {
  return b.pick(makeCtx({ 'x-user': key }))?.id
}

function mapping (targets: BalancerTarget[]): string[] {
  const ch = createConsistentHash(targets, { hashOn: 'header:X-User' })
  return KEYS.map(k => byUser(ch, k)!)
}

test('the same key always goes to the same target, whatever the target order', () => {
  const targets = makeTargets([1, 1, 1, 1])
  const a = createConsistentHash(targets, { hashOn: 'header:x-user' })
  const b = createConsistentHash([...targets].reverse(), { hashOn: 'header:x-user' })
  for (const key of KEYS.slice(0, 500)) {
    const first = byUser(a, key)
    assert.equal(byUser(a, key), first)
    assert.equal(byUser(b, key), first)
  }
})

test('10k keys spread over 4 targets within tolerance, and by weight', () => {
  const even = makeTargets([1, 1, 1, 1])
  const ids = mapping(even)
  for (const t of even) {
    const share = ids.filter(id => id === t.id).length / KEYS.length
    assert.ok(share > 0.2 && share < 0.3, `${t.id}: ${share}`)
  }
  const weighted = makeTargets([1, 3])
  const heavy = mapping(weighted).filter(id => id === weighted[1]!.id).length / KEYS.length
  assert.ok(heavy > 0.7 && heavy < 0.8, `weight 3 of 4: ${heavy}`)
})

test('adding a 5th target to 4 remaps ~1/5 of keys, all of them to the new target', () => {
  const four = makeTargets([1, 1, 1, 1])
  const five = [...four, ...makeTargets([1], 'new')]
  const before = mapping(four)
  const after = mapping(five)
  let moved = 0
  for (let i = 0; i < KEYS.length; i++) {
    if (before[i] === after[i]) continue
    moved++
    assert.equal(after[i], five[4]!.id, `key ${KEYS[i]} moved from ${before[i]} to ${after[i]}`)
  }
  assert.ok(moved > 1500 && moved < 2500, `moved ${moved}`)
})

test('removing a target remaps only the keys it owned, whether removed or made unavailable', () => {
  const four = makeTargets([1, 1, 1, 1])
  const gone = four[2]!
  const before = mapping(four)
  const after = mapping(four.filter(t => t !== gone))
  gone.health = 'unhealthy'
  const skipped = mapping(four)
  assert.deepEqual(skipped, after)
  let moved = 0
  for (let i = 0; i < KEYS.length; i++) {
    if (before[i] === gone.id) {
      moved++
      assert.notEqual(after[i], gone.id)
    } else {
      assert.equal(after[i], before[i])
    }
  }
  assert.ok(moved > 1500, `moved ${moved}`)
})

test('excluded targets are skipped by walking the ring; undefined when none is left', () => {
  const targets = makeTargets([1, 1, 1])
  const ch = createConsistentHash(targets, { hashOn: 'ip' })
  const ctx = makeCtx({}, '10.1.2.3')
  const first = ch.pick(ctx)!
  const exclude = new Set([first])
  const second = ch.pick(ctx, exclude)!
  assert.notEqual(second, first)
  assert.equal(ch.pick(ctx, exclude), second)
  exclude.add(second)
  const third = ch.pick(ctx, exclude)
  assert.ok(third !== undefined && third !== first && third !== second)
  third.health = 'unhealthy'
  assert.equal(ch.pick(ctx, exclude), undefined)
  assert.equal(ch.pick(makeCtx({}, ''), exclude), undefined)
  assert.equal(createConsistentHash([], {}).pick(ctx), undefined)
})

test('hashes on the named cookie, ignoring other cookies and look-alike names', () => {
  const targets = makeTargets([1, 1, 1, 1, 1, 1, 1, 1])
  const ch = createConsistentHash(targets, { hashOn: 'cookie:sid' })
  const byHeader = createConsistentHash(targets, { hashOn: 'header:x-k' })
  for (const sid of ['abc', 'def', 'ghi', 'jkl', 'mno']) {
    const want = byHeader.pick(makeCtx({ 'x-k': sid }))
    assert.equal(ch.pick(makeCtx({ cookie: `sid=${sid}` })), want)
    assert.equal(ch.pick(makeCtx({ cookie: `xsid=zzz; a=1;sid=${sid} ; b=2` })), want)
  }
  const ids = new Set(['1', '2', '3', '4', '5', '6', '7', '8'].map(s => ch.pick(makeCtx({ cookie: `sid=${s}` }))))
  assert.ok(ids.size > 2, 'different cookies reach different targets')
})

test('hashes on the client ip', () => {
  const targets = makeTargets([1, 1, 1, 1])
  const ch = createConsistentHash(targets, { hashOn: 'ip' })
  const ips = Array.from({ length: 400 }, (_, i) => `10.0.${i >> 8}.${i & 255}`)
  const counts = countPicks(targets, ips.length, i => ch.pick(makeCtx({}, ips[i])))
  assert.ok(counts.every(c => c > 60), `${counts}`)
  for (const ip of ips.slice(0, 50)) assert.equal(ch.pick(makeCtx({}, ip)), ch.pick(makeCtx({ 'x-user': 'x' }, ip)))
})

test('requests without the key fall back to round robin', () => {
  const targets = makeTargets([1, 1, 1])
  for (const hashOn of ['header:x-user', 'cookie:sid']) {
    const ch = createConsistentHash(targets, { hashOn })
    const ctx = makeCtx({ cookie: 'other=1', 'x-user': '' })
    assert.deepEqual(Array.from({ length: 6 }, () => ch.pick(ctx)), [...targets, ...targets])
  }
})

test('rejects a malformed hashOn', () => {
  for (const hashOn of ['header:', 'cookie', 'query:x', 'IP', '']) {
    assert.throws(() => createConsistentHash(makeTargets([1]), { hashOn }), { code: 'SLC_CONFIG_INVALID' })
  }
})
