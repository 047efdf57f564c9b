// A queued call whose own `timeout` runs out is a queue timeout, whichever way the deadline is
// noticed. A Node timer may fire up to 1 ms before the clock reads its due time; the clock below
// does that on purpose, so a check of `now >= deadline` at that moment would say "not yet".

import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TimerHandle } from '../core/clock.js'
import { ManualClock } from '../core/manual-clock.js'
import { createDispatcher } from './dispatcher.js'
import type { SupplierTransport } from './transport.js'

/** Fires every timer 1 ms before it is due, as a host timer may. */
class EarlyClock extends ManualClock {
  override setTimeout (fn: () => void, ms: number): TimerHandle {
    return super.setTimeout(fn, ms > 1 ? ms - 1 : ms)
  }
}

// The first call holds the only slot until close(), so the second waits in the queue.
const stalled = (): SupplierTransport => ({
  request: () => new Promise(() => {}),
  close: async () => {},
  destroy: async () => {},
})

test('a queued call whose timeout fires a hair early still ends with SLC_QUEUE_TIMEOUT', async () => {
  const clock = new EarlyClock()
  const d = createDispatcher({
    suppliers: { s: { baseUrl: 'http://127.0.0.1:1', maxConcurrent: 1, retry: false, timeouts: { request: 0 } } },
    clock,
    transport: stalled,
  })
  const running = d.request({ supplier: 's', path: '/' })
  running.catch(() => {})
  const queued = d.request({ supplier: 's', path: '/', timeout: '500ms' })
  const code = queued.then(() => 'answered', (err: { code?: string }) => err.code)
  await clock.tick(499)
  assert.equal(await code, 'SLC_QUEUE_TIMEOUT')
  await d.close({ drain: false })
})
