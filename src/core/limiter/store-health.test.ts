import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../manual-clock.js'
import type { StoreErrorEvent } from './limiter.js'
import { STORE_WARNING_CODE, StoreHealth, warningLogger } from './store-health.js'

const error = (op: StoreErrorEvent['op'] = 'take'): StoreErrorEvent =>
  ({ type: 'storeError', store: 'dispatcher', op, error: new Error('connect ECONNREFUSED'), fallback: 'allow' })

function setup () {
  const clock = new ManualClock()
  const lines: { obj: Record<string, unknown>, msg: string }[] = []
  const logger = { warn: (obj: object, msg: string) => { lines.push({ obj: obj as Record<string, unknown>, msg }) } }
  const health = new StoreHealth({ clock, logger })
  return { clock, lines, health }
}

test('warns when the store starts failing, then at most once per 10 s with the suppressed count', () => {
  const { clock, lines, health } = setup()
  health.failed(error())
  assert.equal(lines.length, 1)
  assert.match(lines[0]!.msg, /unavailable.*onStoreError=allow/)
  assert.equal(lines[0]!.obj.op, 'take')
  assert.ok(lines[0]!.obj.err instanceof Error)
  for (let i = 0; i < 5; i++) {
    clock.advance(1000)
    health.failed(error('refund'))
  }
  assert.equal(lines.length, 1, 'errors within 10 s of the last warning are not logged')
  clock.advance(4999)
  health.failed(error())
  assert.equal(lines.length, 1, '9 999 ms after the warning: still quiet')
  clock.advance(1)
  health.failed(error('pause'))
  assert.equal(lines.length, 2)
  assert.match(lines[1]!.msg, /still unavailable/)
  assert.equal(lines[1]!.obj.suppressed, 6)
  assert.equal(lines[1]!.obj.op, 'pause')
  health.failed(error())
  assert.equal(lines.length, 2)
})

test('logs one recovery line after failures, none while healthy', () => {
  const { clock, lines, health } = setup()
  health.succeeded('dispatcher')
  assert.equal(lines.length, 0, 'a healthy store says nothing')
  health.failed(error())
  clock.advance(2500)
  health.failed(error())
  health.succeeded('dispatcher')
  health.succeeded('dispatcher')
  assert.equal(lines.length, 2)
  assert.match(lines[1]!.msg, /recovered/)
  assert.deepEqual(lines[1]!.obj, { store: 'dispatcher', downMs: 2500, errors: 2, suppressed: 1 })
  assert.equal(health.failing, false)
  health.failed(error())
  assert.equal(lines.length, 3, 'a new outage warns at once again')
  assert.doesNotMatch(lines[2]!.msg, /still/)
})

test('the default logger writes one process warning with code SLC_STORE_UNAVAILABLE', async () => {
  const seen = new Promise<Error & { code?: string }>(resolve => process.once('warning', resolve))
  warningLogger.warn({ store: 'dispatcher', err: new Error('connect\nECONNREFUSED') }, 'limiter store unavailable')
  const w = await seen
  assert.equal(w.code, STORE_WARNING_CODE)
  assert.equal(w.message, 'limiter store unavailable (store=dispatcher err=connect ECONNREFUSED)')
})
