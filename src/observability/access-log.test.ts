import { test } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { BatchWriter } from './batch-writer.js'
import { accessLogFields, BATCH_BYTES, createAccessLog, FLUSH_MS, formatAccessLine } from './access-log.js'
import type { AccessRecord } from './access-log.js'
import { createLogger } from './logger.js'

function capture (): { lines: Array<Record<string, unknown>>, raw: string[], stream: Writable } {
  const lines: Array<Record<string, unknown>> = []
  const raw: string[] = []
  const stream = new Writable({
    write (c, _e, cb) {
      for (const l of String(c).split('\n')) {
        if (l === '') continue
        raw.push(l)
        lines.push(JSON.parse(l))
      }
      cb()
    },
  })
  return { lines, raw, stream }
}

const full: AccessRecord = {
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
  clientIp: '203.0.113.7',
  consumer: 'acme',
  traceId: '0af7651916cd43dd8448eb211c80319c',
}
const bare: AccessRecord = {
  id: 'r2',
  method: 'GET',
  path: '/b"\\\n',
  route: undefined,
  upstream: undefined,
  target: undefined,
  status: 404,
  durationMs: 1,
  bytesIn: 0,
  bytesOut: 5,
  flags: [],
  clientIp: '::1',
  consumer: undefined,
  traceId: undefined,
}

test('writes one line per request with every field, flags joined, batched across turns', async () => {
  const { lines, stream } = capture()
  const logger = createLogger({ destination: stream })
  const log = createAccessLog(logger)
  log(full)
  await new Promise(resolve => setImmediate(resolve))
  log(bare)
  await new Promise(resolve => setImmediate(resolve))
  assert.equal(lines.length, 0, 'lines wait in the batch past the end of their turn')
  await new Promise(resolve => setTimeout(resolve, FLUSH_MS + 5))
  assert.equal(lines.length, 2, 'and are written together within FLUSH_MS')
  const [a, b] = lines
  assert.equal(a!.reqId, 'r1')
  assert.equal(a!.status, 504)
  assert.equal(a!.durMs, 12.35)
  assert.equal(a!.flags, 'UT,DC')
  assert.equal(a!.target, 'http://127.0.0.1:1')
  assert.equal(a!.msg, 'access')
  assert.equal(a!.clientIp, '203.0.113.7')
  assert.equal(a!.consumer, 'acme')
  assert.equal('consumer' in b!, false)
  assert.equal(b!.flags, '-')
  assert.equal(b!.path, '/b"\\\n', 'odd characters in the path are escaped, one line stays one line')
  assert.equal('route' in b!, false)
})

test('the line is the one pino writes for the same fields with the root logger options', () => {
  const { raw, stream } = capture()
  const logger = createLogger({ destination: stream })
  for (const r of [full, bare]) {
    logger.info(accessLogFields(r), 'access')
    const time = (JSON.parse(raw.at(-1)!) as { time: number }).time
    assert.equal(formatAccessLine(r, time), raw.at(-1) + '\n')
  }
})

test('follows the logger level, and flush() writes the batch at once', () => {
  const { lines, stream } = capture()
  const logger = createLogger({ level: 'warn', destination: stream })
  const log = createAccessLog(logger)
  log(full)
  log.flush()
  assert.equal(lines.length, 0)
  logger.level = 'info'
  log(full)
  log.flush()
  assert.equal(lines.length, 1)
})

test('a batch that reaches BATCH_BYTES is written at once, in one write', () => {
  let writes = 0
  const { lines, stream } = capture()
  const counting = new Writable({
    write (c, e, cb) {
      writes++
      stream.write(c, e, cb)
    },
  })
  const log = createAccessLog(createLogger({ destination: counting }))
  const perLine = formatAccessLine(full, Date.now()).length
  const n = Math.ceil(BATCH_BYTES / perLine)
  for (let i = 0; i < n - 1; i++) log(full)
  assert.equal(lines.length, 0)
  log(full)
  assert.equal(lines.length, n)
  assert.equal(writes, 1)
  log.flush()
})

test('through a BatchWriter to a real file: whole UTF-8 lines, pino lines among them, in order, across reused buffers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-access-log-'))
  const file = join(dir, 'out.log')
  const fd = openSync(file, 'a')
  try {
    const writer = new BatchWriter(fd)
    const logger = createLogger({ destination: writer })
    const log = createAccessLog(logger)
    const named = (i: number): AccessRecord => ({ ...bare, id: `r${i}`, path: `/caf\u00e9/\u{1F600}/${i}` })
    const perLine = Buffer.byteLength(formatAccessLine(named(0), Date.now()))
    // Enough batches that buffers come back from their writes and are written into again.
    const n = 12 * Math.ceil(BATCH_BYTES / perLine)
    for (let i = 0; i < n; i++) {
      log(named(i))
      if (i % 1000 === 0) logger.info({ i }, 'between')
      if (i % 5000 === 0) await new Promise(resolve => setImmediate(resolve))
    }
    // A path of 120,000 characters needs more than a batch buffer holds: it goes on alone, in order.
    const long: AccessRecord = { ...bare, id: 'long', path: '/' + '\u00e9'.repeat(120_000) }
    log(long)
    log(named(n))
    await new Promise(resolve => { writer.flush(resolve) })
    const lines = readFileSync(file, 'utf8').split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>)
    const access = lines.filter(l => l.msg === 'access')
    assert.deepEqual(access.map(l => l.reqId), [...Array.from({ length: n }, (_, i) => `r${i}`), 'long', `r${n}`])
    assert.equal(access[5]!.path, '/caf\u00e9/\u{1F600}/5')
    assert.equal(access[n]!.path, long.path)
    const between = lines.findIndex(l => l.msg === 'between' && l.i === 2000)
    assert.equal(lines[between - 1]!.reqId, 'r2000', "pino's line sits among the access lines where it was logged")
  } finally {
    closeSync(fd)
    rmSync(dir, { recursive: true, force: true })
  }
})
