import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../manual-clock.js'
import { AbortedError, InvalidOptionsError, QueueTimeoutError, SluiceError } from '../../errors.js'
import type { BucketRule } from './limiter.js'
import { createMemoryStore } from './memory-store.js'
import { createRateLimiter } from './rate-limiter.js'

const rule: BucketRule = { rate: 10, periodMs: 1000, burst: 10 }

function setup () {
  const clock = new ManualClock()
  const limiter = createRateLimiter({ store: createMemoryStore({ clock }), rule, name: 'api', clock })
  return { clock, limiter }
}

async function drain (limiter: ReturnType<typeof setup>['limiter'], key = 'k'): Promise<void> {
  for (let i = 0; i < rule.burst; i++) assert.equal((await limiter.take(key)).ok, true)
}

/** Tracks a promise's outcome without awaiting it. */
function watch<T> (p: Promise<T>) {
  const state: { done: boolean, value?: T, error?: unknown } = { done: false }
  p.then(v => { state.done = true; state.value = v }, e => { state.done = true; state.error = e })
  return state
}

test('take, refund and pause go through the store with the limiter rule', async () => {
  const { clock, limiter } = setup()
  await drain(limiter)
  assert.deepEqual(await limiter.take('k'), { ok: false, retryAfterMs: 100, remaining: 0, resetMs: 1000 })
  await limiter.refund('k')
  assert.equal((await limiter.take('k')).ok, true)
  await limiter.pause('p', 2000)
  assert.equal((await limiter.take('p')).ok, false)
  clock.advance(2000)
  assert.equal((await limiter.take('p')).ok, true)
})

test('acquire arms one timer and wakes exactly when the token is due, not a ms early', async () => {
  const { clock, limiter } = setup()
  await drain(limiter)
  const got = watch(limiter.acquire('k'))
  await clock.tick(0)
  assert.equal(clock.pending, 1, 'exactly one timer, no polling')
  await clock.tick(99)
  assert.equal(got.done, false, 'not resolved at 99ms')
  assert.equal(clock.pending, 1)
  await clock.tick(1)
  assert.equal(got.done, true)
  assert.equal(got.error, undefined)
  assert.equal(clock.pending, 0)
  assert.equal((await limiter.take('k')).ok, false, 'the token went to the waiter')
})

test('acquire resolves at once when a token is there', async () => {
  const { clock, limiter } = setup()
  const r = await limiter.acquire('k', { cost: 3 })
  assert.equal(clock.pending, 0)
  r.release()
  assert.equal((await limiter.take('k')).remaining, 6)
})

test('a waiter beaten to its token waits again for the next one', async () => {
  const { clock, limiter } = setup()
  await drain(limiter)
  const got = watch(limiter.acquire('k'))
  await clock.tick(0)
  clock.advance(100)
  assert.equal((await limiter.take('k')).ok, true, 'someone else takes the token first')
  await clock.tick(0)
  assert.equal(got.done, false)
  assert.equal(clock.pending, 1, 're-armed one timer for the next token')
  await clock.tick(100)
  assert.equal(got.done, true)
})

test('abort rejects with AbortedError and cancels the timer', async () => {
  const { clock, limiter } = setup()
  await drain(limiter)
  const ac = new AbortController()
  const p = limiter.acquire('k', { signal: ac.signal })
  await clock.tick(0)
  assert.equal(clock.pending, 1)
  ac.abort(new Error('client went away'))
  await assert.rejects(p, (err: unknown) => err instanceof AbortedError && (err.cause as Error).message === 'client went away')
  assert.equal(clock.pending, 0, 'timer cancelled')
  await assert.rejects(limiter.acquire('k', { signal: ac.signal }), AbortedError, 'already aborted: no take')
  await clock.tick(100)
  assert.equal((await limiter.take('k')).ok, true, 'the aborted waiters took nothing')
})

test('deadline: rejects at once when the token is due after it, waits when it is due by then', async () => {
  const { clock, limiter } = setup()
  await drain(limiter)
  await assert.rejects(limiter.acquire('k', { deadline: 99 }), QueueTimeoutError)
  assert.equal(clock.pending, 0, 'rejected without arming a timer')

  class Late extends Error {}
  await assert.rejects(limiter.acquire('k', { deadline: 50, deadlineError: () => new Late() }), Late)

  const got = watch(limiter.acquire('k', { deadline: 100 }))
  await clock.tick(0)
  assert.equal(clock.pending, 1)
  await clock.tick(100)
  assert.equal(got.done, true)
  assert.equal(got.error, undefined)
})

test('cost above burst is refused with InvalidOptionsError instead of waiting forever', async () => {
  const { clock, limiter } = setup()
  await assert.rejects(limiter.acquire('k', { cost: 11 }), InvalidOptionsError)
  assert.equal(clock.pending, 0)
})

test('cancel() gives the token back, once; after release() it does nothing', async () => {
  const { limiter } = setup()
  const reservations = []
  for (let i = 0; i < 10; i++) reservations.push(await limiter.acquire('k'))
  assert.equal((await limiter.take('k')).ok, false)
  await reservations[0]!.cancel()
  await reservations[0]!.cancel()
  assert.equal((await limiter.take('k')).ok, true, 'one token back')
  assert.equal((await limiter.take('k')).ok, false, 'only one: the second cancel was a no-op')
  reservations[1]!.release()
  await reservations[1]!.cancel()
  assert.equal((await limiter.take('k')).ok, false, 'a released token stays spent')
})

test('negative or non-finite costs and pauses are refused before touching the store', async () => {
  const { limiter } = setup()
  for (const cost of [-1, NaN, Infinity]) {
    await assert.rejects(limiter.take('k', cost), InvalidOptionsError, `take ${cost}`)
    await assert.rejects(limiter.refund('k', cost), InvalidOptionsError, `refund ${cost}`)
    await assert.rejects(limiter.acquire('k', { cost }), InvalidOptionsError, `acquire ${cost}`)
  }
  await assert.rejects(limiter.pause('k', -5), InvalidOptionsError)
  assert.equal((await limiter.take('k')).remaining, 9, 'the bucket was untouched')
})

test('an invalid rule is refused when the limiter is built', () => {
  assert.throws(
    () => createRateLimiter({ store: createMemoryStore(), rule: { ...rule, rate: 0 }, name: 'bad' }),
    (err: unknown) => SluiceError.is(err) && err.code === 'SLC_INVALID_OPTIONS' && /bad/.test(err.message)
  )
})
