import assert from 'node:assert/strict'
import { mock, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { systemClock } from './clock.js'

const MAX_TIMER_MS = 2 ** 31 - 1

test('a delay beyond what a Node timer holds does not fire at once (Node would cut it to 1 ms)', async () => {
  let fired = false
  const t = systemClock.setTimeout(() => { fired = true }, 30 * 86_400_000)
  await sleep(50)
  t.cancel()
  assert.equal(fired, false)
})

test('a long delay fires once, after the whole of it; cancel works between the legs', () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    let fired = 0
    systemClock.setTimeout(() => { fired++ }, MAX_TIMER_MS + 5000)
    mock.timers.tick(MAX_TIMER_MS)
    assert.equal(fired, 0)
    mock.timers.tick(5000)
    assert.equal(fired, 1)
    mock.timers.tick(MAX_TIMER_MS * 2)
    assert.equal(fired, 1)

    let cancelled = 0
    const t = systemClock.setTimeout(() => { cancelled++ }, MAX_TIMER_MS + 5000)
    mock.timers.tick(MAX_TIMER_MS)
    t.cancel()
    mock.timers.tick(MAX_TIMER_MS)
    assert.equal(cancelled, 0)
  } finally {
    mock.timers.reset()
  }
})
