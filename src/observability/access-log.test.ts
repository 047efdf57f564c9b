import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { createAccessLog } from './access-log.js'
import { createLogger } from './logger.js'

test('writes one line with every field, flags joined', () => {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({ write (c, _e, cb) { lines.push(JSON.parse(String(c))); cb() } })
  const log = createAccessLog(createLogger({ destination: stream }))
  log({
    id: 'r1',
    method: 'GET',
    path: '/a',
    route: 'users',
    upstream: 'users',
    target: 'http://127.0.0.1:1',
    status: 504,
    durationMs: 12.3456,
    bytesIn: 10,
    bytesOut: 20,
    flags: ['UT', 'DC'],
  })
  log({
    id: 'r2',
    method: 'GET',
    path: '/b',
    route: undefined,
    upstream: undefined,
    target: undefined,
    status: 404,
    durationMs: 1,
    bytesIn: 0,
    bytesOut: 5,
    flags: [],
  })
  assert.equal(lines.length, 2)
  const [a, b] = lines
  assert.equal(a!.reqId, 'r1')
  assert.equal(a!.status, 504)
  assert.equal(a!.durMs, 12.35)
  assert.equal(a!.flags, 'UT,DC')
  assert.equal(a!.target, 'http://127.0.0.1:1')
  assert.equal(b!.flags, '-')
  assert.equal(b!.route, undefined)
})
