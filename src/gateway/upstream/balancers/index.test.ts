import { test } from 'node:test'
import assert from 'node:assert/strict'
import { balancers, createBalancer } from './index.js'
import { makeCtx, makeTargets } from '../../../../test/helpers/balancer-targets.js'
import { seededRandom } from '../../../../test/helpers/seeded-random.js'
import type { BalancerKind } from './index.js'

const KINDS = Object.keys(balancers) as BalancerKind[]

test('the registry has every kind', () => {
  assert.deepEqual([...KINDS].sort(), ['consistent-hash', 'least-request', 'random', 'round-robin', 'weighted'])
})

for (const kind of KINDS) {
  for (const affinity of [undefined, { cookie: 'aff', ttlMs: 60_000, key: 'k' }]) {
    const desc = `${kind}${affinity ? ' with affinity' : ''}`

    test(`${desc}: skips unavailable and excluded targets, undefined when none is left`, () => {
      const targets = makeTargets([1, 2, 3, 1, 2])
      const b = createBalancer(kind, targets, { hashOn: 'header:x-k', random: seededRandom(13), affinity })
      targets[0]!.health = 'unhealthy'
      targets[3]!.health = 'unhealthy'
      const exclude = new Set([targets[1]!, targets[4]!])
      for (let i = 0; i < 200; i++) {
        const ctx = makeCtx(i % 2 === 0 ? { 'x-k': `k${i}` } : {}, `10.0.0.${i % 256}`)
        assert.equal(b.pick(ctx, exclude), targets[2])
      }
      exclude.add(targets[2]!)
      assert.equal(b.pick(makeCtx({ 'x-k': 'k' }), exclude), undefined)
      assert.equal(b.pick(makeCtx(), exclude), undefined)
      assert.equal(createBalancer(kind, [], { affinity }).pick(makeCtx()), undefined)
    })

    test(`${desc}: reaches every target when all are available`, () => {
      const targets = makeTargets([1, 2, 1])
      const b = createBalancer(kind, targets, { hashOn: 'header:x-k', random: seededRandom(17), affinity })
      const seen = new Set()
      for (let i = 0; i < 300; i++) seen.add(b.pick(makeCtx({ 'x-k': `k${i}` })))
      assert.equal(seen.size, 3)
    })
  }
}

test('affinity wraps the chosen kind and pins with a cookie', () => {
  const targets = makeTargets([1, 1])
  const ctx = makeCtx()
  const b = createBalancer('round-robin', targets, { affinity: { cookie: 'aff', ttlMs: 60_000, key: 'k' } })
  assert.equal(b.pick(ctx), targets[0])
  assert.match(ctx.setCookie ?? '', /^aff=[\w-]{22}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60$/)
  const cookie = ctx.setCookie!.split(';')[0]!
  for (let i = 0; i < 3; i++) assert.equal(b.pick(makeCtx({ cookie })), targets[0])
  const plain = makeCtx()
  assert.equal(createBalancer('round-robin', targets).pick(plain), targets[0])
  assert.equal(plain.setCookie, undefined)
})

test('invalid targets and kinds are config errors listing every problem', () => {
  const dup = [...makeTargets([1, 1]), ...makeTargets([1])]
  assert.throws(() => createBalancer('round-robin', dup), /duplicate target "http:\/\/t0:80"/)
  const weights = makeTargets([0, 1.5, 2])
  assert.throws(() => createBalancer('weighted', weights), (err: Error & { code?: string, issues?: string[] }) => {
    assert.equal(err.code, 'SLC_CONFIG_INVALID')
    assert.equal(err.issues?.length, 2)
    return true
  })
  assert.throws(() => createBalancer('fastest' as BalancerKind, makeTargets([1])), { code: 'SLC_CONFIG_INVALID' })
  assert.throws(() => createBalancer('toString' as BalancerKind, makeTargets([1])), { code: 'SLC_CONFIG_INVALID' })
  assert.throws(() => createBalancer('consistent-hash', makeTargets([1]), { hashOn: 'body' }), { code: 'SLC_CONFIG_INVALID' })
})
