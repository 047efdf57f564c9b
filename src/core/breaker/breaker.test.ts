import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createCircuitBreaker } from './breaker.js'
import type { BreakerOptions, BreakerStateChange } from './breaker.js'
import { ManualClock } from '../manual-clock.js'
import { rootContext } from '../policy.js'
import {
  AbortedError, CircuitOpenError, QueueFullError, QueueTimeoutError, RateLimitedError, ShuttingDownError,
  BadGatewayError, InvalidOptionsError, UpstreamSaturatedError, UpstreamTimeoutError,
} from '../../errors.js'

function setup (opts: Partial<BreakerOptions> = {}) {
  const clock = new ManualClock()
  const breaker = createCircuitBreaker({ name: 'up', openForMs: 1000, ...opts }, { clock })
  const changes: string[] = []
  let rejects = 0
  breaker.onStateChange.on((e: BreakerStateChange) => { assert.equal(e.name, 'up'); changes.push(`${e.from}>${e.to}`) })
  breaker.onReject.on(() => { rejects++ })
  let calls = 0
  const call = (outcome: unknown, pc = rootContext()) => breaker.execute(async () => {
    calls++
    if (outcome instanceof Error) throw outcome
    return outcome
  }, pc).catch((e: unknown) => e)
  return { clock, breaker, changes, call, get calls () { return calls }, get rejects () { return rejects } }
}

const ok = { status: 200, headers: {} }
const boom = () => new Error('boom')

function deferred<T> () {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((_resolve, _reject) => { resolve = _resolve; reject = _reject })
  return { promise, resolve, reject }
}

test('consecutive: trips after N failures in a row, a success resets the run', async () => {
  const s = setup({ consecutiveFailures: 3 })
  for (const o of [boom(), boom(), ok, boom(), boom()]) await s.call(o)
  assert.equal(s.breaker.state, 'closed')
  await s.call(boom())
  assert.equal(s.breaker.state, 'open')
  assert.deepEqual(s.changes, ['closed>open'])
})

test('ratio: trips only once the window holds the minimum volume', async () => {
  const cases = [
    { desc: '5 failures < 10 requests', seq: 'FFFFF', state: 'closed' },
    { desc: '6/10 failing', seq: 'FFFFFSSSSF', state: 'open' },
    { desc: '3/10 failing', seq: 'SSSSSSSFFF', state: 'closed' },
    { desc: 'exactly the ratio', seq: 'SSSSSFFFFF', state: 'open' },
    { desc: '9 failures, 9 requests', seq: 'FFFFFFFFF', state: 'closed' },
  ]
  for (const c of cases) {
    const s = setup({ failureRatio: 0.5, minimumRequests: 10, windowMs: 10_000 })
    for (const ch of c.seq) await s.call(ch === 'F' ? boom() : ok)
    assert.equal(s.breaker.state, c.state, c.desc)
  }
})

test('ratio: the rolling window forgets old failures', async () => {
  const cases = [
    { desc: 'same window', gapMs: 0, state: 'open' },
    { desc: 'just inside', gapMs: 999, state: 'open' },
    { desc: 'a full window later', gapMs: 1000, state: 'closed' },
  ]
  for (const c of cases) {
    const s = setup({ failureRatio: 0.5, minimumRequests: 4, windowMs: 1000 })
    for (let i = 0; i < 3; i++) await s.call(boom())
    s.clock.advance(c.gapMs)
    await s.call(boom())
    assert.equal(s.breaker.state, c.state, c.desc)
  }
})

test('open rejects at once without calling fn, with the time left as retryAfterMs', async () => {
  const s = setup({ consecutiveFailures: 1 })
  await s.call(boom())
  s.clock.advance(300)
  const err = await s.call(ok)
  assert.ok(err instanceof CircuitOpenError)
  assert.equal(err.retryAfterMs, 700)
  assert.equal(err.breaker, 'up')
  assert.equal(err.name, 'CircuitOpenError')
  assert.equal(s.calls, 1)
  assert.equal(s.rejects, 1)
  assert.throws(() => s.breaker.check(), CircuitOpenError)
})

test('half-open lets through halfOpenRequests probes; all must succeed to close', async () => {
  const s = setup({ consecutiveFailures: 1, halfOpenRequests: 2 })
  await s.call(boom())
  s.clock.advance(1000)
  const d1 = deferred<unknown>()
  const d2 = deferred<unknown>()
  const p1 = s.breaker.execute(() => d1.promise, rootContext())
  const p2 = s.breaker.execute(() => d2.promise, rootContext())
  assert.equal(s.breaker.state, 'half-open')
  assert.throws(() => s.breaker.check(), CircuitOpenError, 'probe slots are taken')
  assert.ok(await s.call(ok) instanceof CircuitOpenError, 'third concurrent call rejected')
  d1.resolve(ok)
  await p1
  assert.equal(s.breaker.state, 'half-open', 'one success is not enough')
  d2.resolve(ok)
  await p2
  assert.equal(s.breaker.state, 'closed')
  assert.deepEqual(s.changes, ['closed>open', 'open>half-open', 'half-open>closed'])
})

test('a probe that never ends holds its slot for at most openForMs, then a new probe goes through', async () => {
  const s = setup({ consecutiveFailures: 1 })
  await s.call(boom())
  s.clock.advance(1000)
  const hung = deferred<unknown>()
  const stale = s.breaker.execute(() => hung.promise, rootContext())
  assert.ok(await s.call(ok) instanceof CircuitOpenError, 'the probe slot is taken')
  s.clock.advance(999)
  assert.ok(await s.call(ok) instanceof CircuitOpenError)
  s.clock.advance(1)
  assert.deepEqual(await s.call(ok), ok, 'a fresh probe after openForMs')
  assert.equal(s.breaker.state, 'closed')
  hung.resolve({ status: 503, headers: {} })
  await stale
  assert.equal(s.breaker.state, 'closed', 'the forgotten probe no longer counts')
  assert.deepEqual(s.changes, ['closed>open', 'open>half-open', 'half-open>closed'])
})

test('a failed probe reopens; a later successful one closes; events in order', async () => {
  const s = setup({ consecutiveFailures: 2 })
  await s.call(boom()); await s.call(boom())
  s.clock.advance(999)
  assert.equal(s.breaker.state, 'open', 'not before openForMs')
  s.clock.advance(1)
  await s.call(new UpstreamTimeoutError('t', 5))
  assert.equal(s.breaker.state, 'open')
  s.clock.advance(1000)
  await s.call(ok)
  assert.equal(s.breaker.state, 'closed')
  await s.call(boom())
  assert.equal(s.breaker.state, 'closed', 'the consecutive count restarted on close')
  assert.deepEqual(s.changes, ['closed>open', 'open>half-open', 'half-open>open', 'open>half-open', 'half-open>closed'])
})

test('Retry-After on the failure extends the open period, capped at 10 × openForMs', async () => {
  const cases: { desc: string, failure: unknown, useRetryAfter?: boolean, openMs: number }[] = [
    { desc: 'header seconds', failure: { status: 503, headers: { 'retry-after': '5' } }, openMs: 5000 },
    { desc: 'shorter than openFor', failure: { status: 503, headers: { 'retry-after': '0' } }, openMs: 1000 },
    { desc: 'capped', failure: { status: 429, headers: { 'retry-after': '3600' } }, openMs: 10_000 },
    { desc: 'error field', failure: new BadGatewayError('t', 'busy', { retryAfterMs: 2500 }), openMs: 2500 },
    { desc: 'disabled', failure: { status: 503, headers: { 'retry-after': '5' } }, useRetryAfter: false, openMs: 1000 },
  ]
  for (const c of cases) {
    const s = setup({ consecutiveFailures: 1, useRetryAfter: c.useRetryAfter })
    await s.call(c.failure)
    s.clock.advance(c.openMs - 1)
    assert.equal(s.breaker.state, 'open', c.desc)
    s.clock.advance(1)
    assert.equal(s.breaker.state, 'half-open', c.desc)
  }
})

test('gate rejections, caller errors and caller aborts never count as failures', async () => {
  const coded = (code: string) => Object.assign(new Error(code), { code })
  const gates = [
    new QueueFullError('q', 1), new QueueTimeoutError('q'), new UpstreamSaturatedError('u'),
    new RateLimitedError(10), new AbortedError(), new ShuttingDownError(), new CircuitOpenError('inner', 5),
    new InvalidOptionsError('invalid request path'), coded('UND_ERR_INVALID_ARG'), coded('UND_ERR_CLOSED'),
  ]
  const s = setup({ consecutiveFailures: 1 })
  for (const g of gates) assert.equal(await s.call(g), g)
  const ac = new AbortController()
  ac.abort()
  await s.call(boom(), rootContext(ac.signal))
  assert.equal(s.breaker.state, 'closed')
  assert.deepEqual(s.changes, [])
})

test('a neutral outcome frees its probe slot', async () => {
  const s = setup({ consecutiveFailures: 1 })
  await s.call(boom())
  s.clock.advance(1000)
  await s.call(new QueueFullError('q', 1))
  assert.equal(s.breaker.state, 'half-open')
  await s.call(ok)
  assert.equal(s.breaker.state, 'closed')
})

test('failure statuses are configurable; other results are successes', async () => {
  const cases = [
    { desc: '500 default', status: 500, statuses: undefined, state: 'open' },
    { desc: '429 default', status: 429, statuses: undefined, state: 'open' },
    { desc: '404 default', status: 404, statuses: undefined, state: 'closed' },
    { desc: '500 unlisted', status: 500, statuses: [503], state: 'closed' },
    { desc: '418 listed', status: 418, statuses: [418], state: 'open' },
  ]
  for (const c of cases) {
    const s = setup({ consecutiveFailures: 1, failureStatuses: c.statuses })
    const r = await s.call({ status: c.status, headers: {} })
    assert.equal((r as { status: number }).status, c.status, 'results are returned, not thrown')
    assert.equal(s.breaker.state, c.state, c.desc)
  }
})

test('a slow call admitted while closed cannot change a later state', async () => {
  const s = setup({ consecutiveFailures: 1 })
  const slowOk = deferred<unknown>()
  const slowFail = deferred<unknown>()
  const p1 = s.breaker.execute(() => slowOk.promise, rootContext())
  const p2 = s.breaker.execute(() => slowFail.promise, rootContext()).catch(() => {})
  await s.call(boom())
  assert.equal(s.breaker.state, 'open')
  slowOk.resolve(ok)
  await p1
  assert.equal(s.breaker.state, 'open', 'a stale success does not close an open breaker')
  s.clock.advance(500)
  slowFail.reject(boom())
  await p2
  s.clock.advance(500)
  assert.equal(s.breaker.state, 'half-open', 'a stale failure does not extend the open period')
  assert.deepEqual(s.changes, ['closed>open', 'open>half-open'])
})

test('invalid options throw', () => {
  assert.throws(() => createCircuitBreaker({ name: 'x', openForMs: 0 }), /openForMs/)
  assert.throws(() => createCircuitBreaker({ name: 'x', openForMs: 1, failureRatio: 2 }), /failureRatio/)
  assert.throws(() => createCircuitBreaker({ name: 'x', openForMs: 1, halfOpenRequests: 0 }), /halfOpenRequests/)
})
