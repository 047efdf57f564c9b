import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRetryPolicy } from './retry.js'
import type { RetryEvent, GiveUpEvent, RetryOptions } from './retry.js'
import { createRetryBudget } from './retry-budget.js'
import { ManualClock } from './manual-clock.js'
import { rootContext } from './policy.js'
import type { CallMeta, PolicyContext } from './policy.js'
import {
  AbortedError, BadGatewayError, CircuitOpenError, QueueFullError, QueueTimeoutError,
  InvalidOptionsError, UpstreamSaturatedError, UpstreamTimeoutError,
} from '../errors.js'

interface Res { status: number, headers: Record<string, string>, n: number }
const res = (status: number, n: number, headers: Record<string, string> = {}): Res => ({ status, headers, n })

function setup (opts: Partial<RetryOptions> = {}, random = () => 0.5) {
  const clock = new ManualClock()
  const discarded: unknown[] = []
  const policy = createRetryPolicy({
    attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, budget: false, discard: r => discarded.push(r), ...opts,
  }, { clock, random })
  const retries: RetryEvent[] = []
  const giveUps: GiveUpEvent[] = []
  policy.onRetry.on(e => retries.push(e))
  policy.onGiveUp.on(e => giveUps.push(e))
  return { clock, policy, discarded, retries, giveUps }
}

/** Ticks the clock until `p` settles, so backoff timers fire without real sleeps. */
async function drive<T> (p: Promise<T>, clock: ManualClock, stepMs = 50): Promise<T> {
  const state = { done: false }
  p.then(() => { state.done = true }, () => { state.done = true })
  for (let i = 0; i < 10_000 && !state.done; i++) await clock.tick(stepMs)
  return p
}

function script (steps: ((n: number) => unknown)[]) {
  const seen: PolicyContext[] = []
  const fn = async (pc: PolicyContext): Promise<Res> => {
    seen.push(pc)
    const step = steps[Math.min(seen.length, steps.length) - 1]!
    const out = step(seen.length)
    if (out instanceof Error) throw out
    return out as Res
  }
  return { fn, seen }
}

test('retries listed statuses, discards dropped results, passes attempt numbers', async () => {
  const { clock, policy, discarded, retries } = setup()
  const { fn, seen } = script([n => res(503, n), n => res(502, n), n => res(200, n)])
  const meta: CallMeta = { method: 'GET' }
  const out = await drive(policy.execute(fn, rootContext(undefined, meta)), clock)
  assert.equal(out.status, 200)
  assert.deepEqual(seen.map(pc => pc.attempt), [1, 2, 3])
  assert.ok(seen.every(pc => pc.meta === meta))
  assert.deepEqual(discarded.map(r => (r as Res).n), [1, 2])
  assert.deepEqual(retries.map(r => [r.attempt, r.reason]), [[2, 'status 503'], [3, 'status 502']])
  assert.deepEqual(retries.map(r => r.delayMs), [50, 100], 'full jitter at random()=0.5: base·2^(n−1)/2')
})

test('gives up at `attempts` and returns the last result instead of throwing', async () => {
  const { clock, policy, discarded, giveUps } = setup()
  const { fn, seen } = script([n => res(503, n)])
  const out = await drive(policy.execute(fn, rootContext()), clock)
  assert.equal(out.n, 3)
  assert.equal(seen.length, 3)
  assert.deepEqual(discarded.map(r => (r as Res).n), [1, 2], 'the returned result is not discarded')
  assert.deepEqual(giveUps, [{ attempts: 3, reason: 'attempts', failure: 'status 503', meta: {} }])
})

test('unlisted statuses are returned at once', async () => {
  const { clock, policy, discarded } = setup()
  const { fn, seen } = script([n => res(500, n)])
  const out = await drive(policy.execute(fn, rootContext()), clock)
  assert.equal(out.status, 500)
  assert.equal(seen.length, 1)
  assert.equal(discarded.length, 0)
})

test('which thrown errors are retried', async () => {
  const coded = (code: string) => Object.assign(new Error(code), { code })
  const cases: { desc: string, err: Error, retried: boolean }[] = [
    ...['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT'].map(code => ({ desc: code, err: coded(code), retried: true })),
    { desc: 'undici fetch failed → cause', err: new TypeError('fetch failed', { cause: coded('ECONNRESET') }), retried: true },
    { desc: 'SLC_BAD_GATEWAY', err: new BadGatewayError('t'), retried: true },
    { desc: 'SLC_UPSTREAM_TIMEOUT', err: new UpstreamTimeoutError('t', 10), retried: true },
    ...['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].map(code => ({ desc: `${code} (nothing was sent)`, err: coded(code), retried: true })),
    ...['UND_ERR_INVALID_ARG', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED']
      .map(code => ({ desc: `${code} (the caller's request, or a closed client)`, err: coded(code), retried: false })),
    { desc: 'SLC_INVALID_OPTIONS', err: new InvalidOptionsError('bad path'), retried: false },
    { desc: 'SLC_CIRCUIT_OPEN', err: new CircuitOpenError('b', 100), retried: false },
    { desc: 'SLC_QUEUE_FULL', err: new QueueFullError('q', 1), retried: false },
    { desc: 'SLC_UPSTREAM_SATURATED', err: new UpstreamSaturatedError('u'), retried: false },
    { desc: 'SLC_QUEUE_TIMEOUT', err: new QueueTimeoutError('q'), retried: false },
    { desc: 'SLC_ABORTED even with a network cause', err: new AbortedError('x', { cause: coded('ECONNRESET') }), retried: false },
    { desc: 'plain error', err: new Error('bug'), retried: false },
    { desc: 'EACCES', err: coded('EACCES'), retried: false },
  ]
  for (const c of cases) {
    const { clock, policy } = setup()
    const { fn, seen } = script([() => c.err, n => res(200, n)])
    const p = drive(policy.execute(fn, rootContext()), clock)
    if (c.retried) {
      assert.equal((await p).status, 200, c.desc)
      assert.equal(seen.length, 2, c.desc)
    } else {
      await assert.rejects(p, e => e === c.err, c.desc)
      assert.equal(seen.length, 1, c.desc)
    }
  }
})

test('Retry-After decides the delay (seconds, HTTP-date, error field), capped by maxRetryAfterMs', async () => {
  const clock0 = new ManualClock()
  const inThree = new Date(clock0.wallNow() + 3000).toUTCString()
  const cases: { desc: string, first: () => unknown, want: number }[] = [
    { desc: 'delay-seconds', first: () => res(503, 1, { 'retry-after': '2' }), want: 2000 },
    { desc: 'HTTP-date', first: () => res(429, 1, { 'retry-after': inThree }), want: 3000 },
    { desc: 'capped', first: () => res(503, 1, { 'retry-after': '3600' }), want: 5000 },
    { desc: 'zero', first: () => res(503, 1, { 'retry-after': '0' }), want: 0 },
    { desc: 'error retryAfterMs', first: () => new BadGatewayError('t', 'busy', { retryAfterMs: 1500 }), want: 1500 },
    { desc: 'no hint → backoff', first: () => res(503, 1), want: 50 },
  ]
  for (const c of cases) {
    const { clock, policy, retries } = setup({ maxRetryAfterMs: 5000 })
    const { fn, seen } = script([c.first, n => res(200, n)])
    const p = policy.execute(fn, rootContext())
    await clock.tick(0)
    if (c.want > 0) {
      await clock.tick(c.want - 1)
      assert.equal(seen.length, 1, `${c.desc}: not before the delay`)
    }
    await clock.tick(1)
    assert.equal(seen.length, 2, `${c.desc}: right at the delay`)
    assert.equal((await p).status, 200)
    assert.equal(retries[0]!.delayMs, c.want, c.desc)
  }
})

test('non-idempotent methods are retried only when marked idempotent or allowed', async () => {
  const cases: { desc: string, meta: CallMeta, opts?: Partial<RetryOptions>, calls: number }[] = [
    { desc: 'POST', meta: { method: 'POST' }, calls: 1 },
    { desc: 'PATCH', meta: { method: 'PATCH' }, calls: 1 },
    { desc: 'POST with Idempotency-Key', meta: { method: 'POST', idempotent: true }, calls: 3 },
    { desc: 'POST with retryNonIdempotent', meta: { method: 'POST' }, opts: { retryNonIdempotent: true }, calls: 3 },
    { desc: 'lowercase get', meta: { method: 'get' }, calls: 3 },
    { desc: 'PUT', meta: { method: 'PUT' }, calls: 3 },
    { desc: 'method unknown', meta: {}, calls: 3 },
  ]
  for (const c of cases) {
    const { clock, policy, giveUps } = setup(c.opts)
    const { fn, seen } = script([n => res(503, n)])
    const out = await drive(policy.execute(fn, rootContext(undefined, c.meta)), clock)
    assert.equal(seen.length, c.calls, c.desc)
    assert.equal(out.n, c.calls, c.desc)
    assert.equal(giveUps[0]!.reason, c.calls === 1 ? 'non-idempotent' : 'attempts', c.desc)
  }
})

test('`methods` replaces the idempotent set: DELETE left out is not retried, POST put in is', async () => {
  for (const [method, calls] of [['DELETE', 1], ['POST', 3], ['GET', 3]] as const) {
    const { clock, policy, giveUps } = setup({ methods: ['GET', 'post'] })
    const { fn, seen } = script([n => res(503, n)])
    await drive(policy.execute(fn, rootContext(undefined, { method })), clock)
    assert.equal(seen.length, calls, method)
    assert.equal(giveUps[0]!.reason, calls === 1 ? 'non-idempotent' : 'attempts', method)
  }
})

test('classifyError names the reason, and an unsent failure is retried whatever the method', async () => {
  const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })
  const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' })
  const classifyError = (err: unknown) => err === refused
    ? { reason: 'connect-failure', unsent: true }
    : err === reset ? { reason: 'reset' } : undefined
  const { clock, policy, retries, giveUps } = setup({ classifyError })
  const { fn, seen } = script([() => refused, () => reset])
  await assert.rejects(drive(policy.execute(fn, rootContext(undefined, { method: 'POST' })), clock), e => e === reset)
  assert.equal(seen.length, 2, 'the refused POST was retried; the reset one was not')
  assert.deepEqual(retries.map(r => r.reason), ['connect-failure'])
  assert.deepEqual(giveUps.map(g => [g.reason, g.failure]), [['non-idempotent', 'reset']])

  const other = setup({ classifyError })
  const s2 = script([() => Object.assign(new Error('x'), { code: 'ECONNRESET' })])
  await assert.rejects(drive(other.policy.execute(s2.fn, rootContext()), other.clock))
  assert.equal(s2.seen.length, 1, 'an error the classifier does not name is final, whatever its code')
})

test('a call whose request can no longer be sent (replayable false, read after each attempt) is not retried', async () => {
  const { clock, policy, giveUps } = setup()
  let sent = false
  const meta = { method: 'PUT', get replayable () { return !sent } }
  const { fn, seen } = script([n => { sent = true; return res(503, n) }])
  const out = await drive(policy.execute(fn, rootContext(undefined, meta)), clock)
  assert.equal(seen.length, 1)
  assert.equal(out.n, 1)
  assert.equal(giveUps[0]!.reason, 'body')
})

test('abort during the backoff wait rejects at once and cancels the timer', async () => {
  const { clock, policy } = setup({ baseDelayMs: 1000 }, () => 0.99)
  const ac = new AbortController()
  const { fn, seen } = script([n => res(503, n)])
  const p = policy.execute(fn, rootContext(ac.signal))
  await clock.tick(100)
  assert.equal(clock.pending, 1)
  ac.abort()
  await assert.rejects(p, AbortedError)
  assert.equal(clock.pending, 0, 'backoff timer cancelled')
  assert.equal(seen.length, 1)
})

test('nothing is retried once the caller has aborted', async () => {
  const { clock, policy } = setup()
  const ac = new AbortController()
  const err = Object.assign(new Error('reset'), { code: 'ECONNRESET' })
  const { fn, seen } = script([() => { ac.abort(); return err }])
  await assert.rejects(drive(policy.execute(fn, rootContext(ac.signal)), clock), e => e === err)
  assert.equal(seen.length, 1)
})

test('gives up when the deadline would pass before the retry starts', async () => {
  const { clock, policy, giveUps } = setup({}, () => 0.99)
  const { fn, seen } = script([n => res(503, n)])
  const meta: CallMeta = { deadline: clock.now() + 150 }
  const out = await drive(policy.execute(fn, rootContext(undefined, meta)), clock)
  assert.equal(seen.length, 2, 'first retry (≈99ms) fits, second (≈198ms) does not')
  assert.equal(out.n, 2)
  assert.deepEqual(giveUps, [{ attempts: 2, reason: 'deadline', failure: 'status 503', meta }])
})

test('the retry budget caps retries across 100 failing requests', async () => {
  const clock = new ManualClock()
  const budget = createRetryBudget({ ratio: 0.2, minPerSecond: 0.1, windowMs: 10_000 }, clock)
  const mk = () => createRetryPolicy({ attempts: 3, baseDelayMs: 1, maxDelayMs: 1, budget }, { clock, random: () => 0 })
  const policies = [mk(), mk()]
  const reasons: string[] = []
  for (const p of policies) p.onGiveUp.on(e => reasons.push(e.reason))
  let calls = 0
  for (let i = 0; i < 100; i++) {
    const fn = async () => { calls++; return res(503, calls) }
    await drive(policies[i % 2]!.execute(fn, rootContext()), clock, 1)
  }
  const retries = calls - 100
  assert.ok(clock.now() < 10_000, 'all inside one window')
  assert.ok(retries >= 19 && retries <= 21, `retries ${retries} ≈ 0.2 × 100 (+ floor of 1)`)
  assert.equal(budget.retries, retries, 'the budget is shared by both policies')
  assert.ok(reasons.filter(r => r === 'budget').length >= 79)
})

test('rejects invalid options', () => {
  assert.throws(() => createRetryPolicy({ attempts: 0, baseDelayMs: 1, maxDelayMs: 1 }), /attempts/)
})

test('resume goes on from a first attempt run outside the policy, as execute would after its own', async () => {
  const { clock, policy, discarded, retries, giveUps } = setup()
  assert.equal(policy.isFinal(res(200, 1)), true)
  assert.equal(policy.isFinal(res(503, 1)), false)
  // The caller's own first attempt answered 503: the policy retries from attempt 2 on.
  const { fn, seen } = script([n => res(502, n + 1), n => res(200, n + 1)])
  const first = res(503, 1)
  const out = await drive(policy.resume(fn, rootContext(undefined, { method: 'GET' }), { ok: true, value: first }), clock)
  assert.equal(out.status, 200)
  assert.deepEqual(seen.map(pc => pc.attempt), [2, 3])
  assert.deepEqual(discarded, [first, res(502, 2)])
  assert.deepEqual(retries.map(r => [r.attempt, r.reason]), [[2, 'status 503'], [3, 'status 502']])
  // A first attempt that failed for good is settled with its own error, nothing retried.
  const err = new InvalidOptionsError('caller mistake')
  await assert.rejects(policy.resume(fn, rootContext(), { ok: false, error: err }), err)
  assert.equal(seen.length, 2)
  assert.deepEqual(giveUps, [])
})
