import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from './manual-clock.js'
import { Deadlined, DeadlineQueue } from './deadlines.js'

class Entry extends Deadlined {
  readonly name: string
  readonly fired: string[]
  readonly then: (() => void) | undefined

  constructor (name: string, fired: string[], then?: () => void) {
    super()
    this.name = name
    this.fired = fired
    this.then = then
  }

  onDeadline (): void {
    this.fired.push(`${this.name}@`)
    this.then?.()
  }
}

test('entries expire in start order, each exactly at its own deadline; removed ones never fire', () => {
  const clock = new ManualClock()
  const q = new DeadlineQueue(100, clock)
  const fired: string[] = []
  const at = (): void => { fired[fired.length - 1] += String(clock.now()) }
  const a = new Entry('a', fired, at)
  const b = new Entry('b', fired, at)
  const c = new Entry('c', fired, at)
  q.add(a)
  clock.advance(30)
  q.add(b)
  clock.advance(30)
  q.add(c)
  assert.equal(clock.pending, 1, 'one timer for the whole queue')
  q.remove(a)
  q.remove(a)
  assert.equal(q.size, 2)
  clock.advance(69)
  assert.deepEqual(fired, [], 'a left early; b is due at 130')
  clock.advance(1)
  assert.deepEqual(fired, ['b@130'])
  clock.advance(30)
  assert.deepEqual(fired, ['b@130', 'c@160'])
  assert.equal(q.size, 0)
  assert.equal(clock.pending, 0, 'an empty queue holds no timer')
})

test('an entry added after the queue emptied arms a fresh timer', () => {
  const clock = new ManualClock()
  const q = new DeadlineQueue(50, clock)
  const fired: string[] = []
  const a = new Entry('a', fired)
  q.add(a)
  q.remove(a)
  clock.advance(50)
  assert.equal(clock.pending, 0)
  q.add(new Entry('b', fired))
  clock.advance(49)
  assert.deepEqual(fired, [])
  clock.advance(1)
  assert.deepEqual(fired, ['b@'])
})

test('an entry added from onDeadline gets a full period and no second timer', () => {
  const clock = new ManualClock()
  const q = new DeadlineQueue(10, clock)
  const fired: string[] = []
  const retry = new Entry('retry', fired)
  q.add(new Entry('first', fired, () => q.add(retry)))
  clock.advance(10)
  assert.deepEqual(fired, ['first@'])
  assert.equal(clock.pending, 1)
  clock.advance(9)
  assert.deepEqual(fired, ['first@'])
  clock.advance(1)
  assert.deepEqual(fired, ['first@', 'retry@'])
  assert.equal(clock.pending, 0)
})
