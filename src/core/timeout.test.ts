import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { createTimeoutPolicy, timeoutSignal } from './timeout.js'
import { ManualClock } from './manual-clock.js'
import { rootContext } from './policy.js'
import type { PolicyContext } from './policy.js'
import { UpstreamTimeoutError } from '../errors.js'

function setup (ms = 100) {
  const clock = new ManualClock()
  const discarded: unknown[] = []
  const policy = createTimeoutPolicy(ms, {
    clock, onTimeout: () => new UpstreamTimeoutError('t', ms), discard: r => discarded.push(r),
  })
  let events = 0
  policy.onTimeout.on(e => { assert.equal(e.timeoutMs, ms); events++ })
  return { clock, policy, discarded, get events () { return events } }
}

const never = <T> (): Promise<T> => new Promise<T>(() => {})

test('fires at exactly ms, not before, even when fn ignores its signal', async () => {
  const s = setup(100)
  let seen: PolicyContext | undefined
  const p = s.policy.execute(pc => { seen = pc; return never<string>() }, rootContext())
  const state = { settled: false }
  p.catch(() => {}).finally(() => { state.settled = true })
  await s.clock.tick(99)
  assert.equal(state.settled, false)
  assert.equal(seen!.signal.aborted, false)
  await s.clock.tick(1)
  await assert.rejects(p, UpstreamTimeoutError)
  assert.ok(seen!.signal.aborted, 'the derived signal is aborted')
  assert.ok(seen!.signal.reason instanceof UpstreamTimeoutError)
  assert.equal(s.events, 1)
})

/** The list's timer may still be armed after attempts ended: when it fires it times nothing out and is gone. */
async function noTimeoutLeft (s: ReturnType<typeof setup>): Promise<void> {
  const events = s.events
  await s.clock.tick(200)
  assert.equal(s.events, events, 'no attempt timed out after it ended')
  assert.equal(s.clock.pending, 0, 'no timer armed again')
}

test('a success leaves no timeout behind and keeps the context apart from the signal', async () => {
  const s = setup(100)
  const meta = { method: 'GET' }
  const outer = rootContext(undefined, meta)
  const out = await s.policy.execute(async pc => {
    assert.notEqual(pc.signal, outer.signal)
    assert.equal(pc.meta, meta)
    return 'ok'
  }, outer)
  assert.equal(out, 'ok')
  await noTimeoutLeft(s)
})

test('a failure passes through and leaves no timeout behind', async () => {
  const s = setup(100)
  const err = new Error('boom')
  await assert.rejects(s.policy.execute(async () => { throw err }, rootContext()), e => e === err)
  await assert.rejects(s.policy.execute(() => { throw err }, rootContext()), e => e === err, 'sync throw too')
  await noTimeoutLeft(s)
  assert.equal(s.events, 0)
})

test('the caller aborting aborts the signal fn holds; an aborted caller gives an aborted signal', async () => {
  const s = setup(100)
  const ac = new AbortController()
  let seen: AbortSignal | undefined
  const p = s.policy.execute(pc => {
    seen = pc.signal
    return new Promise((_resolve, reject) => pc.signal.addEventListener('abort', () => reject(pc.signal.reason)))
  }, rootContext(ac.signal))
  const reason = new Error('client left')
  ac.abort(reason)
  await assert.rejects(p, e => e === reason)
  assert.equal(seen!.aborted, true)
  await noTimeoutLeft(s)
  assert.equal(s.events, 0)

  const got = await s.policy.execute(async pc => pc.signal.aborted, rootContext(ac.signal))
  assert.equal(got, true)
})

test('a result arriving after the timeout is discarded', async () => {
  const s = setup(100)
  let finish!: (v: string) => void
  const p = s.policy.execute(() => new Promise<string>(resolve => { finish = resolve }), rootContext())
  const rejected = assert.rejects(p, UpstreamTimeoutError)
  await s.clock.tick(100)
  await rejected
  finish('late')
  await s.clock.tick(0)
  assert.deepEqual(s.discarded, ['late'])
})

test('timeoutSignal: Infinity arms no timer; invalid ms throws', async () => {
  const clock = new ManualClock()
  const parent = new AbortController()
  const d = timeoutSignal(parent.signal, Infinity, clock)
  assert.equal(clock.pending, 0)
  parent.abort('x')
  assert.equal(d.signal.reason, 'x')
  const t = timeoutSignal(new AbortController().signal, 50, clock)
  clock.advance(50)
  assert.equal(t.signal.aborted, true)
  assert.equal((t.signal.reason as DOMException).name, 'TimeoutError')
  assert.throws(() => createTimeoutPolicy(0, { onTimeout: () => new Error('x') }), /timeout/)
})

test('concurrent attempts share one timer and each times out at its own deadline', async () => {
  const s = setup(100)
  const settledAt: number[] = []
  const start = (): Promise<unknown> => {
    const p = s.policy.execute(() => never<string>(), rootContext())
    p.catch(() => settledAt.push(s.clock.now()))
    return p
  }
  const a = start()
  await s.clock.tick(30)
  const b = start()
  await s.clock.tick(30)
  const c = start()
  assert.equal(s.clock.pending, 1, 'one timer for three attempts')
  await s.clock.tick(200, 10)
  await Promise.allSettled([a, b, c])
  assert.deepEqual(settledAt, [100, 130, 160])
  assert.equal(s.events, 3)
  assert.equal(s.clock.pending, 0)
})

test('an attempt that finishes first leaves the others their deadlines', async () => {
  const s = setup(100)
  let finish!: (v: string) => void
  const first = s.policy.execute(() => new Promise<string>(resolve => { finish = resolve }), rootContext())
  await s.clock.tick(50)
  const second = s.policy.execute(() => never<string>(), rootContext())
  let secondAt = -1
  second.catch(() => { secondAt = s.clock.now() })
  finish('done')
  assert.equal(await first, 'done')
  await s.clock.tick(99, 1)
  assert.equal(secondAt, -1)
  await s.clock.tick(1)
  await assert.rejects(second, UpstreamTimeoutError)
  assert.equal(secondAt, 150)
})

test('the attempt signal is made only when read: an unread one never listens on the caller', async () => {
  const s = setup(100)
  const ac = new AbortController()
  let ctx: PolicyContext | undefined
  const p = s.policy.execute(async pc => { ctx = pc; return 'ok' }, rootContext(ac.signal))
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0)
  assert.equal(await p, 'ok')
  const readsSignal = (pc: PolicyContext): Promise<string> => {
    assert.equal(pc.signal.aborted, false)
    return never<string>()
  }
  const read = s.policy.execute(readsSignal, rootContext(ac.signal))
  const rejected = assert.rejects(read, UpstreamTimeoutError)
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1, 'reading it links it to the caller')
  await s.clock.tick(100)
  await rejected
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'and the link goes with the attempt')
  assert.equal(ctx!.signal.aborted, false, 'read after the end: a signal that never aborts')
})

test('an attempt started synchronously from an expiring signal leaves the older deadlines on time', async () => {
  const s = setup(100)
  const outcomes: string[] = []
  let restarts = 0
  const start = (label: string): void => {
    const fn = (pc: PolicyContext): Promise<never> => {
      // Abort listeners run inside the policy's timer callback, before it has finished its pass.
      pc.signal.addEventListener('abort', () => { if (label !== 'b' && restarts++ < 1) start('c') })
      return never()
    }
    s.policy.execute(fn, rootContext()).catch(() => outcomes.push(`${label} ${s.clock.now()}`))
  }
  start('a')
  await s.clock.tick(10)
  start('b')
  await s.clock.tick(90)
  await s.clock.tick(10)
  assert.deepEqual(outcomes, ['a 100', 'b 110'])
  await s.clock.tick(90)
  assert.deepEqual(outcomes, ['a 100', 'b 110', 'c 200'])
  await s.clock.tick(100)
})
