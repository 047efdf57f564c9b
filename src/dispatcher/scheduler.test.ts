import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../core/manual-clock.js'
import { createMemoryStore } from '../core/limiter/memory-store.js'
import type { CallMeta } from '../core/policy.js'
import { AbortedError, QueueFullError, QueueTimeoutError } from '../errors.js'
import { createScheduler } from './scheduler.js'
import type { SchedulerOptions } from './scheduler.js'
import type { Admission } from './waiter.js'

function setup (over: Partial<SchedulerOptions> = {}) {
  const clock = new ManualClock()
  const store = createMemoryStore({ clock })
  const s = createScheduler({
    name: 'sup', key: 'sup', rule: { rate: 1, periodMs: 1000, burst: 1 }, maxConcurrent: 10, maxQueue: 100, agingAfterMs: 0, ...over,
  }, { clock, store })
  const started: string[] = []
  const call = (label: string, meta: CallMeta = {}, signal = new AbortController().signal): Promise<string> =>
    s.execute(async () => { started.push(label); return label }, { signal, attempt: 1, meta })
  return { clock, s, started, call }
}

const settle = () => new Promise<void>(resolve => setImmediate(resolve))

test('queued calls start in priority order, FIFO within a level, one per token', async () => {
  const { clock, started, call, s } = setup()
  const first = call('first')
  const calls = [
    call('low-1', { priority: 4 }), call('highest', { priority: 1 }), call('normal', { priority: 3 }),
    call('low-2', { priority: 4 }), call('high', { priority: 2 }), call('lowest', { priority: 5 }),
  ]
  await first
  assert.deepEqual(started, ['first'])
  assert.equal(s.queued, 6)
  for (let i = 0; i < 6; i++) await clock.tick(1000)
  await Promise.all(calls)
  assert.deepEqual(started, ['first', 'highest', 'high', 'normal', 'low-1', 'low-2', 'lowest'])
})

test('while the bucket is empty exactly one timer is armed, whatever the queue length', async () => {
  const { clock, call } = setup()
  const calls = Array.from({ length: 50 }, (_, i) => call(`c${i}`))
  await settle()
  assert.equal(clock.pending, 1)
  await clock.tick(1000)
  assert.equal(clock.pending, 1)
  await clock.tick(49_000, 1000)
  await Promise.all(calls)
  assert.equal(clock.pending, 0)
})

test('aging lets a lowest-priority call through a steady stream of highest ones', async () => {
  const { clock, started, call } = setup({ agingAfterMs: 1000 })
  const all = [call('block'), call('old-lowest', { priority: 5 })]
  for (let i = 0; i < 10; i++) {
    all.push(call(`h${i}`, { priority: 1 }))
    await clock.tick(1000)
  }
  await clock.tick(10_000, 1000)
  await Promise.all(all)
  const at = started.indexOf('old-lowest')
  assert.ok(at > 0 && at < 8, `lowest started at position ${at} of ${started.length}`)
  assert.notEqual(at, started.length - 1)
})

test('without aging the same stream starves the lowest call', async () => {
  const { clock, started, call } = setup({ agingAfterMs: 0 })
  const all = [call('block'), call('old-lowest', { priority: 5 })]
  for (let i = 0; i < 10; i++) {
    all.push(call(`h${i}`, { priority: 1 }))
    await clock.tick(1000)
  }
  await clock.tick(10_000, 1000)
  await Promise.all(all)
  assert.equal(started.at(-1), 'old-lowest')
})

test('abort removes a queued call and it never consumes a token', async () => {
  const { clock, s, started, call } = setup()
  await call('first')
  const ac = new AbortController()
  const doomed = call('doomed', {}, ac.signal)
  const next = call('next')
  await settle()
  ac.abort()
  await assert.rejects(doomed, AbortedError)
  assert.equal(s.queued, 1)
  await clock.tick(1000)
  assert.equal(await next, 'next')
  assert.deepEqual(started, ['first', 'next'])
})

test('a call whose deadline cannot be met is refused at once', async () => {
  const { clock, s, call } = setup()
  await call('first')
  const queued = Array.from({ length: 5 }, (_, i) => call(`q${i}`))
  await assert.rejects(call('late', { deadline: clock.now() + 2000 }), QueueTimeoutError)
  assert.equal(s.queued, 5)
  const urgent = call('urgent', { priority: 1, deadline: clock.now() + 1500 })
  await clock.tick(1000)
  assert.equal(await urgent, 'urgent')
  await clock.tick(5000, 1000)
  await Promise.all(queued)
})

test('a queued call still waiting at its deadline is rejected then, not later', async () => {
  const { clock, s, call } = setup({ rule: undefined, maxConcurrent: 1 })
  let release!: () => void
  const pc = { signal: new AbortController().signal, attempt: 1, meta: {} }
  const busy = s.execute(() => new Promise<void>(resolve => { release = resolve }), pc)
  const waiting = call('waiting', { deadline: 500 })
  let rejectedAt = -1
  waiting.catch(() => { rejectedAt = clock.now() })
  await clock.tick(499)
  assert.equal(rejectedAt, -1)
  await clock.tick(1)
  await assert.rejects(waiting, QueueTimeoutError)
  assert.equal(rejectedAt, 500)
  assert.equal(s.queued, 0)
  release()
  await busy
})

test('a full queue refuses at once', async () => {
  const { clock, call } = setup({ maxQueue: 2 })
  const a = [call('a'), call('b'), call('c')]
  await assert.rejects(call('d'), QueueFullError)
  await clock.tick(3000, 1000)
  await Promise.all(a)
})

test('concurrency cap holds without a rate limit', async () => {
  const { s } = setup({ rule: undefined, maxConcurrent: 2 })
  let running = 0
  let peak = 0
  const job = () => s.execute(async () => {
    peak = Math.max(peak, ++running)
    await settle()
    running--
  }, { signal: new AbortController().signal, attempt: 1, meta: {} })
  await Promise.all(Array.from({ length: 10 }, job))
  assert.equal(peak, 2)
  assert.equal(s.inFlight, 0)
})

test('pause empties the bucket until the announced reset', async () => {
  const { clock, s, started, call } = setup({ rule: { rate: 10, periodMs: 1000, burst: 10 } })
  await s.pause(2000)
  const p = call('after-pause')
  await clock.tick(1999, 100)
  assert.deepEqual(started, [])
  await clock.tick(200)
  await p
  assert.deepEqual(started, ['after-pause'])
})

test('rejectQueued fails waiting calls and leaves running ones alone', async () => {
  const { clock, s, call } = setup()
  await call('first')
  const waiting = [call('a'), call('b')]
  s.rejectQueued(new Error('closing'))
  for (const w of waiting) await assert.rejects(w, /closing/)
  assert.equal(s.queued, 0)
  await s.idle()
  assert.equal(clock.pending, 0)
})

test('reserve holds a slot and a token for the next execute, which then does not queue again', async () => {
  const { clock, s, started, call } = setup()
  const heard: string[] = []
  const to = { admitted: () => heard.push('admitted'), refused: (e: unknown) => heard.push(`refused ${String(e)}`) }
  const pc = { signal: new AbortController().signal, attempt: 1, meta: {} as Admission }
  assert.equal(s.reserve(pc.meta, to), undefined, 'free slot and token: reserved at once')
  assert.equal(s.inFlight, 1)
  const other = call('other')
  assert.equal(s.queued, 1, 'the token went to the reservation')
  assert.equal(await s.execute(async () => 'reserved ran', pc), 'reserved ran')
  assert.deepEqual(heard, [], 'no callback for a reservation had at once')
  const later: Admission = {}
  const w = s.reserve(later, to)
  assert.equal(w !== undefined && w.meta === later && w.to === to, true, 'queued: its waiter is returned')
  await clock.tick(1000)
  assert.equal(await other, 'other')
  await clock.tick(1000)
  assert.deepEqual(heard, ['admitted'])
  assert.equal(later.reserved, true)
  assert.equal(s.inFlight, 1)
  s.unreserve(later)
  assert.equal(s.inFlight, 0)
  assert.equal(await call('refunded token'), 'refunded token', 'an unused reservation gives its token back')
  assert.deepEqual(started, ['other', 'refunded token'])
})

test('a queued reservation withdrawn by its caller hears refused: abort, deadline, shutdown', async () => {
  const { clock, s } = setup({ rule: undefined, maxConcurrent: 1 })
  let release!: () => void
  const pc = { signal: new AbortController().signal, attempt: 1, meta: {} }
  const busy = s.execute(() => new Promise<void>(resolve => { release = resolve }), pc)
  const heard: string[] = []
  const to = (label: string) => ({
    admitted: () => heard.push(`${label} admitted`),
    refused: (e: unknown) => heard.push(`${label} ${(e as { code?: string }).code ?? String(e)}`),
  })
  const aborted = s.reserve({}, to('aborted'))!
  const late = s.reserve({ deadline: 900 }, to('deadline'))!
  s.reserve({}, to('closing'))
  assert.equal(clock.pending, 0, 'a reservation keeps no timer: its caller watches its deadline')
  s.withdraw(aborted, new Error('caller gave up'))
  await clock.tick(900)
  s.withdraw(late, new Error('timed out'))
  s.withdraw(aborted, new Error('twice'))
  s.rejectQueued(new Error('closing'))
  assert.deepEqual(heard, ['aborted SLC_ABORTED', 'deadline SLC_QUEUE_TIMEOUT', 'closing Error: closing'])
  assert.equal(s.queued, 0)
  release()
  await busy
})

test('a reservation that waited counts its queue time and is used by the next execute pass', async () => {
  const { clock, s } = setup({ rule: undefined, maxConcurrent: 1 })
  const heard: string[] = []
  const to = (label: string) => ({ admitted: () => heard.push(label), refused: (e: unknown) => heard.push(`${label} ${String(e)}`) })
  const first = { signal: new AbortController().signal, attempt: 1, meta: {} as Admission }
  const second = { signal: new AbortController().signal, attempt: 1, meta: {} as Admission }
  assert.equal(s.reserve(first.meta, to('first')), undefined)
  assert.notEqual(s.reserve(second.meta, to('second')), undefined)
  await clock.tick(42)
  let done!: () => void
  const running = s.execute(() => new Promise<void>(resolve => { done = resolve }), first)
  assert.equal(first.meta.reserved, false, 'the pass used the reservation')
  assert.equal(s.queued, 1)
  done()
  await running
  assert.deepEqual(heard, ['second'])
  assert.equal(second.meta.queuedMs, 42)
  assert.equal(await s.execute(async () => 'ran', second), 'ran')
  assert.equal(s.inFlight, 0)
  assert.equal(s.queued, 0)
})
