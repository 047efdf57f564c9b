import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { createLogger } from './logger.js'
import { ManualClock } from '../core/manual-clock.js'

function capture (): { lines: Record<string, unknown>[], stream: Writable } {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write (chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l))
      cb()
    },
  })
  return { lines, stream }
}

test('redacts credentials wherever they appear', () => {
  const { lines, stream } = capture()
  const log = createLogger({ level: 'info', destination: stream })
  log.info({
    req: { headers: { authorization: 'Bearer abc', cookie: 'a=b', 'set-cookie': 'x=y', accept: '*/*' } },
    admin: { token: 't0ps3cret' },
    user: { password: 'hunter2', apiKey: 'k-123', name: 'ann' },
  }, 'hello')
  assert.equal(lines.length, 1)
  const text = JSON.stringify(lines[0])
  for (const secret of ['Bearer abc', 'a=b', 'x=y', 't0ps3cret', 'hunter2', 'k-123']) {
    assert.ok(!text.includes(secret), `${secret} leaked: ${text}`)
  }
  assert.ok(text.includes('ann'))
  assert.ok(text.includes('*/*'))
})

test('respects the level', () => {
  const { lines, stream } = capture()
  const log = createLogger({ level: 'warn', destination: stream })
  log.info('no')
  log.warn('yes')
  assert.deepEqual(lines.map(l => l.msg), ['yes'])
})

test('a buffered destination is flushed on the clock, so quiet-time lines are not held back', () => {
  const clock = new ManualClock()
  let flushes = 0
  const destination = { write: (_line: string) => true, flush: () => { flushes++ } }
  createLogger({ destination, clock, flushIntervalMs: 500 })
  clock.advance(499)
  assert.equal(flushes, 0)
  clock.advance(1)
  assert.equal(flushes, 1)
  clock.advance(1000)
  assert.equal(flushes, 3)
})
