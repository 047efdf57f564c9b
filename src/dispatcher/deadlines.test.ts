import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../core/manual-clock.js'
import { Deadlines } from './deadlines.js'

function setup () {
  const clock = new ManualClock()
  const deadlines = new Deadlines(clock)
  const expired: string[] = []
  const target = (name: string) => ({ expire: (ms: number) => expired.push(`${name}/${ms}@${clock.now()}`) })
  return { clock, deadlines, expired, target }
}

test('calls with one timeout share one timer and each expires at its own deadline', async () => {
  const { clock, deadlines, expired, target } = setup()
  deadlines.start(100, target('a'))
  await clock.tick(30)
  const b = deadlines.start(100, target('b'))
  await clock.tick(30)
  deadlines.start(100, target('c'))
  assert.equal(clock.pending, 1)
  b.cancel()
  b.cancel()
  await clock.tick(200, 10)
  assert.deepEqual(expired, ['a/100@100', 'c/100@160'])
  assert.equal(clock.pending, 0, 'an emptied list keeps no timer')
})

test('distinct timeouts keep their own lists; a cancelled head re-arms for the next', async () => {
  const { clock, deadlines, expired, target } = setup()
  const a = deadlines.start(50, target('a'))
  deadlines.start(500, target('long'))
  deadlines.start(50, target('b'))
  a.cancel()
  await clock.tick(49)
  assert.deepEqual(expired, [])
  await clock.tick(1)
  assert.deepEqual(expired, ['b/50@50'])
  await clock.tick(450)
  assert.deepEqual(expired, ['b/50@50', 'long/500@500'])
  assert.equal(clock.pending, 0)
})

test('a target that starts a deadline as it expires is timed from then', async () => {
  const { clock, deadlines, expired } = setup()
  let again = true
  const t = {
    expire: (ms: number) => {
      expired.push(`${ms}@${clock.now()}`)
      if (again) { again = false; deadlines.start(ms, t) }
    },
  }
  deadlines.start(10, t)
  await clock.tick(30, 5)
  assert.deepEqual(expired, ['10@10', '10@20'])
})

test('calls that end early leave the timer armed: it finds nothing due, and the empty list goes', async () => {
  const { clock, deadlines, expired, target } = setup()
  for (let i = 0; i < 100; i++) deadlines.start(100, target(`early${i}`)).cancel()
  assert.equal(clock.pending, 1, 'one timer for the list, not one armed and cancelled per call')
  await clock.tick(100)
  assert.equal(clock.pending, 0)
  deadlines.start(100, target('later'))
  await clock.tick(100)
  assert.deepEqual(expired, ['later/100@200'])
})
