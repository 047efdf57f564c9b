import { test } from 'node:test'
import assert from 'node:assert/strict'
import { withCookieAffinity } from './cookie-affinity.js'
import { createRoundRobin } from './round-robin.js'
import { hash32 } from './hash.js'
import { makeCtx, makeTargets } from '../../../../test/helpers/balancer-targets.js'
import type { BalancerTarget, PickContext } from './balancer.js'

const KEY = 'affinity-test-key-0123456789'
const OPTIONS = { cookie: 'sluice_aff', ttlMs: 3_600_000, key: KEY }
const SET_COOKIE = /^sluice_aff=([0-9A-Za-z_-]+); Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/

function setup () {
  const targets = makeTargets([1, 1, 1])
  const balancer = withCookieAffinity(createRoundRobin(targets), targets, OPTIONS)
  return { targets, balancer }
}

/** Picks like a browser would: the cookie from the last Set-Cookie goes on the next request. */
function pin (ctx: PickContext): string {
  const m = SET_COOKIE.exec(ctx.setCookie ?? '')
  assert.ok(m, `Set-Cookie: ${ctx.setCookie}`)
  return `${OPTIONS.cookie}=${m[1]}`
}

test('a first request is balanced and pinned with a complete Set-Cookie value', () => {
  const { targets, balancer } = setup()
  const ctx = makeCtx()
  assert.equal(balancer.pick(ctx), targets[0])
  pin(ctx)
})

test('a pinned request sticks to its target and gets no new cookie', () => {
  const { targets, balancer } = setup()
  const first = makeCtx()
  balancer.pick(first)
  balancer.pick(makeCtx())
  const cookie = `theme=dark; ${pin(first)}; other=1`
  for (let i = 0; i < 5; i++) {
    const ctx = makeCtx({ cookie })
    assert.equal(balancer.pick(ctx), targets[0])
    assert.equal(ctx.setCookie, undefined)
  }
})

test('each target gets its own cookie value', () => {
  const { balancer } = setup()
  const values = new Set(Array.from({ length: 3 }, () => {
    const ctx = makeCtx()
    balancer.pick(ctx)
    return pin(ctx)
  }))
  assert.equal(values.size, 3)
})

test('re-pins when the pinned target becomes unavailable or is excluded', () => {
  const { targets, balancer } = setup()
  const first = makeCtx()
  balancer.pick(first)
  const cookie = pin(first)
  targets[0]!.health = 'unhealthy'
  const moved = makeCtx({ cookie })
  const next = balancer.pick(moved)
  assert.ok(next !== undefined && next !== targets[0])
  const repinned = pin(moved)
  assert.notEqual(repinned, cookie)
  assert.equal(balancer.pick(makeCtx({ cookie: repinned })), next)

  targets[0]!.health = 'healthy'
  const retry = makeCtx({ cookie })
  const other = balancer.pick(retry, new Set([targets[0]!]))
  assert.ok(other !== undefined && other !== targets[0])
  assert.notEqual(pin(retry), cookie)
})

test('an unknown or tampered cookie value is balanced and re-pinned', () => {
  const { targets, balancer } = setup()
  const first = makeCtx()
  balancer.pick(first)
  const cookie = pin(first)
  for (const bad of [`${cookie}x`, cookie.slice(0, -1), 'sluice_aff=', 'sluice_affx=1']) {
    const ctx = makeCtx({ cookie: bad })
    assert.ok(targets.includes(balancer.pick(ctx) as BalancerTarget))
    pin(ctx)
  }
})

test('the cookie never reveals the target URL', () => {
  const targets = [
    { id: 'https://billing.internal.example:8443', weight: 1, inFlight: 0, health: 'healthy' as const },
    { id: 'http://10.0.0.7:8080', weight: 1, inFlight: 0, health: 'healthy' as const },
  ]
  const balancer = withCookieAffinity(createRoundRobin(targets), targets, OPTIONS)
  for (const t of targets) {
    const ctx = makeCtx()
    assert.equal(balancer.pick(ctx), t)
    const value = pin(ctx).split('=')[1]!
    const url = new URL(t.id)
    for (const part of [t.id, url.hostname, url.port, encodeURIComponent(t.id), Buffer.from(t.id).toString('base64')]) {
      assert.ok(!ctx.setCookie!.includes(part), `${ctx.setCookie} contains ${part}`)
    }
    assert.ok(value.length <= 22)
  }
})

test('a client cannot forge a value for a target it was not given', () => {
  const { targets, balancer } = setup()
  const first = makeCtx()
  assert.equal(balancer.pick(first), targets[0])
  const given = pin(first)
  // The value a client could compute from a target's URL without the key (the old, unkeyed
  // scheme), or a given value with one character changed, never selects a target.
  const forged = [
    ...targets.map(t => `sluice_aff=${hash32(t.id).toString(36)}`),
    given.slice(0, -1) + (given.endsWith('A') ? 'B' : 'A'),
  ]
  for (const cookie of forged) {
    const ctx = makeCtx({ cookie })
    balancer.pick(ctx)
    assert.ok(ctx.setCookie !== undefined, `${cookie} was accepted as a pin`)
  }
})

test('values are keyed: the same key agrees (restarts, workers), another key does not', () => {
  const targets = makeTargets([1, 1, 1])
  const values = (key: string) => targets.map(() => {
    const ctx = makeCtx()
    withCookieAffinity(createRoundRobin(targets), targets, { ...OPTIONS, key }).pick(ctx)
    return ctx.setCookie
  })
  const a = values(KEY)
  assert.deepEqual(values(KEY), a)
  const b = values('another-key-0123456789abcdef')
  for (let i = 0; i < a.length; i++) assert.notEqual(b[i], a[i])
})

test('Secure is added when the client-facing scheme is https', () => {
  const { balancer } = setup()
  const plain = makeCtx()
  balancer.pick(plain)
  assert.ok(!/Secure/.test(plain.setCookie!), plain.setCookie)
  const secure = { ...makeCtx(), secure: true }
  balancer.pick(secure)
  assert.match(secure.setCookie!, /; Secure$/)
})

test('returns undefined and sets no cookie when no target is left', () => {
  const { targets, balancer } = setup()
  const first = makeCtx()
  balancer.pick(first)
  const cookie = pin(first)
  for (const t of targets) t.health = 'unhealthy'
  const ctx = makeCtx({ cookie })
  assert.equal(balancer.pick(ctx), undefined)
  assert.equal(ctx.setCookie, undefined)
})

test('Max-Age is whole seconds, at least 1; bad options are config errors', () => {
  const targets = makeTargets([1])
  const ctx = makeCtx()
  withCookieAffinity(createRoundRobin(targets), targets, { cookie: 'a', ttlMs: 1500, key: KEY }).pick(ctx)
  assert.match(ctx.setCookie!, /; Max-Age=1$/)
  const bad = [{ cookie: 'a b', ttlMs: 1000 }, { cookie: '', ttlMs: 1000 }, { cookie: 'a', ttlMs: 0 }, { cookie: 'a', ttlMs: NaN }]
    .map(o => ({ ...o, key: KEY }))
  for (const options of bad) {
    assert.throws(() => withCookieAffinity(createRoundRobin(targets), targets, options), { code: 'SLC_CONFIG_INVALID' })
  }
})
