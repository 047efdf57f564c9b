import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from './manual-clock.js'

test('timers fire in due order, each seeing its own due time', () => {
  const clock = new ManualClock(1000)
  const seen: Array<[string, number]> = []
  clock.setTimeout(() => seen.push(['b', clock.now()]), 20)
  clock.setTimeout(() => seen.push(['a', clock.now()]), 10)
  clock.setTimeout(() => seen.push(['c', clock.now()]), 20)
  clock.advance(15)
  assert.deepEqual(seen, [['a', 1010]])
  clock.advance(100)
  assert.deepEqual(seen, [['a', 1010], ['b', 1020], ['c', 1020]])
  assert.equal(clock.now(), 1115)
})

test('a timer armed by a firing timer fires within the same advance when due', () => {
  const clock = new ManualClock()
  const seen: number[] = []
  clock.setTimeout(() => { seen.push(clock.now()); clock.setTimeout(() => seen.push(clock.now()), 5) }, 5)
  clock.advance(10)
  assert.deepEqual(seen, [5, 10])
})

test('cancelled timers never fire and are not counted as pending', () => {
  const clock = new ManualClock()
  let fired = false
  const h = clock.setTimeout(() => { fired = true }, 1)
  assert.equal(clock.pending, 1)
  h.cancel()
  assert.equal(clock.pending, 0)
  clock.advance(10)
  assert.equal(fired, false)
})

test('tick lets promise continuations run between steps', async () => {
  const clock = new ManualClock()
  const order: string[] = []
  const wait = (ms: number) => new Promise<void>(resolve => clock.setTimeout(resolve, ms))
  const task = (async () => { await wait(10); order.push('first'); await wait(10); order.push('second') })()
  await clock.tick(30, 5)
  await task
  assert.deepEqual(order, ['first', 'second'])
})
