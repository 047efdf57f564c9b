import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let x: TestUpstream, y: TestUpstream
let gw: TestGateway

// Deterministic LCG so random and P2C distributions are reproducible.
function seeded (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

before(async () => {
  [x, y] = await Promise.all([startUpstream('x'), startUpstream('y')])
  const two = (w1 = 1, w2 = 1): string => `[{ url: ${x.url}, weight: ${w1} }, { url: ${y.url}, weight: ${w2} }]`
  gw = await startGateway(`
upstreams:
  rr: { balancer: round-robin, targets: ${two()} }
  weighted: { balancer: weighted, targets: ${two(3, 1)} }
  random: { balancer: random, targets: ${two(3, 1)} }
  least: { balancer: least-request, targets: ${two()} }
  hash: { balancer: consistent-hash, hashOn: "header:x-user", targets: ${two()} }
  sticky: { balancer: round-robin, affinity: { cookie: sluice_aff, ttl: 1h }, targets: ${two()} }
routes:
  - { name: rr, match: { path: /rr }, upstream: rr }
  - { name: weighted, match: { path: /weighted }, upstream: weighted }
  - { name: random, match: { path: /random }, upstream: random }
  - { name: least, match: { path: /least }, upstream: least }
  - { name: hash, match: { path: /hash }, upstream: hash }
  - { name: sticky, match: { path: /sticky }, upstream: sticky }
`, { random: seeded(42) })
})

after(async () => {
  await gw.close()
  await Promise.all([x.close(), y.close()])
})

async function tally (path: string, n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = { x: 0, y: 0 }
  for (let i = 0; i < n; i++) {
    const r = await send(gw.url, path)
    assert.equal(r.status, 200)
    out[r.headers['x-upstream'] as string]!++
  }
  return out
}

test('round-robin alternates evenly', async () => {
  assert.deepEqual(await tally('/rr', 100), { x: 50, y: 50 })
})

test('weighted (smooth) gives exact 3:1 shares', async () => {
  assert.deepEqual(await tally('/weighted', 100), { x: 75, y: 25 })
})

test('random follows the weights within tolerance', async () => {
  const t = await tally('/random', 200)
  assert.ok(t.x! > 125 && t.x! < 175, JSON.stringify(t))
})

test('least-request spreads idle traffic over both targets (ties are not piled on one)', async () => {
  const t = await tally('/least', 100)
  assert.ok(t.x! >= 25 && t.y! >= 25, JSON.stringify(t))
})

test('least-request sends new requests away from the target with one in flight', async () => {
  // The held request lands on either target (a tie); the one holding it is busy until release.
  const held = send(gw.url, '/least', { headers: { 'x-mode': 'hold' } })
  const busy = await Promise.race([x.waitForHeld(1).then(() => 'x'), y.waitForHeld(1).then(() => 'y')])
  try {
    const t = await tally('/least', 20)
    assert.deepEqual(t, busy === 'x' ? { x: 0, y: 20 } : { x: 20, y: 0 }, `${busy} is busy`)
  } finally {
    x.release()
    y.release()
  }
  assert.equal((await held).headers['x-upstream'], busy)
  // Both idle again: traffic reaches the formerly busy target as well.
  const after = await tally('/least', 40)
  assert.ok(after[busy]! > 0, JSON.stringify(after))
})

test('consistent-hash: a key always lands on the same target, keys spread', async () => {
  const first = new Map<string, string>()
  for (let round = 0; round < 2; round++) {
    for (let u = 0; u < 40; u++) {
      const r = await send(gw.url, '/hash', { headers: { 'x-user': `user-${u}` } })
      const who = r.headers['x-upstream'] as string
      if (round === 0) first.set(`user-${u}`, who)
      else assert.equal(who, first.get(`user-${u}`), `user-${u} moved`)
    }
  }
  const onX = [...first.values()].filter(v => v === 'x').length
  assert.ok(onX >= 8 && onX <= 32, `x got ${onX} of 40 keys`)
})

test('affinity: the cookie pins the client, and does not reveal the target', async () => {
  const r1 = await send(gw.url, '/sticky')
  const setCookie = r1.headers['set-cookie']?.[0]
  assert.ok(setCookie !== undefined && setCookie.startsWith('sluice_aff='), String(setCookie))
  assert.ok(!setCookie.includes('127.0.0.1') && !setCookie.includes(String(x.port)), setCookie)
  const pinned = r1.headers['x-upstream']
  const cookie = setCookie.split(';')[0]!
  for (let i = 0; i < 6; i++) {
    const r = await send(gw.url, '/sticky', { headers: { cookie } })
    assert.equal(r.headers['x-upstream'], pinned)
  }
  const other = await tally('/sticky', 4)
  assert.deepEqual(other, { x: 2, y: 2 }, 'without the cookie, round robin continues')
})
