import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BatchWriter } from './batch-writer.js'

/** A real FIFO, both ends non-blocking, as a log collector's pipe can be: writes past its capacity get EAGAIN. */
function fifo (): { readFd: number, writeFd: number, read: () => string, close: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-batch-writer-'))
  const path = join(dir, 'pipe')
  execFileSync('mkfifo', [path])
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)
  const chunk = Buffer.alloc(1 << 16)
  let closed = false
  return {
    readFd,
    writeFd,
    /** Whatever the pipe holds now. */
    read () {
      let text = ''
      for (;;) {
        try {
          const n = readSync(readFd, chunk)
          if (n === 0) return text
          text += chunk.toString('latin1', 0, n)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return text
          throw err
        }
      }
    },
    close () {
      if (closed) return
      closed = true
      for (const fd of [readFd, writeFd]) try { closeSync(fd) } catch { /* closed by the test */ }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const line = (i: number): string => `{"n":${i},"pad":"${'x'.repeat(90)}"}\n`

/** Reads the pipe until the writer says everything handed on is written. */
async function drain (pipe: ReturnType<typeof fifo>, writer: BatchWriter): Promise<string> {
  const state = { done: false }
  writer.flush(() => { state.done = true })
  let text = ''
  while (!state.done) {
    text += pipe.read()
    await new Promise(resolve => setTimeout(resolve, 1))
  }
  return text + pipe.read()
}

test('a full pipe (EAGAIN) is waited for: every line arrives once, in order', async () => {
  const pipe = fifo()
  try {
    const writer = new BatchWriter(pipe.writeFd, { batchBytes: 16 * 1024 })
    // About 540 KB: many times what a pipe holds, so writes find it full until the reader catches
    // up, and fewer than the queue's 64 batches, so nothing is dropped.
    const total = 5_000
    for (let i = 0; i < total; i++) writer.write(line(i))
    const text = await drain(pipe, writer)
    const got = text.split('\n').filter(l => l !== '').map(l => (JSON.parse(l) as { n: number }).n)
    assert.deepEqual(got, Array.from({ length: total }, (_, i) => i))
  } finally {
    pipe.close()
  }
})

test('a destination that does not keep up: past the queue bound lines are dropped, and the count is logged', async () => {
  const pipe = fifo()
  try {
    const writer = new BatchWriter(pipe.writeFd, { batchBytes: 4096, maxQueued: 2 })
    const total = 5_000
    // Nobody reads while these are written: the pipe fills, then the queue.
    for (let i = 0; i < total; i++) writer.write(line(i))
    const text = await drain(pipe, writer)
    // The notice is written once the queue has drained, so it comes in a later batch.
    const rest = await drain(pipe, writer)
    const lines = (text + rest).split('\n').filter(l => l !== '').map(l => JSON.parse(l) as { n?: number, dropped?: number, level?: number })
    const notices = lines.filter(l => l.dropped !== undefined)
    assert.equal(notices.length, 1, 'one notice')
    assert.equal(notices[0]!.level, 40)
    const delivered = lines.filter(l => l.n !== undefined).map(l => l.n!)
    assert.ok(delivered.length < total, 'some lines were dropped')
    assert.equal(delivered.length + notices[0]!.dropped!, total, 'every line is either written or counted')
    assert.deepEqual(delivered, [...delivered].sort((a, b) => a - b), 'what is written stays in order')
    assert.equal(delivered[0], 0, 'the first lines are kept: the newest batches are the ones dropped')
  } finally {
    pipe.close()
  }
})

test('a destination that fails (EPIPE) is reported once, not once per batch', async () => {
  const pipe = fifo()
  const reports: string[] = []
  try {
    const writer = new BatchWriter(pipe.writeFd, { batchBytes: 4096, report: (m) => reports.push(m) })
    closeSync(pipe.readFd)
    for (let i = 0; i < 200; i++) writer.write(line(i))
    await new Promise(resolve => { writer.flush(resolve) })
    for (let i = 0; i < 200; i++) writer.write(line(i))
    await new Promise(resolve => { writer.flush(resolve) })
    assert.equal(reports.length, 1, reports.join('\n'))
    assert.match(reports[0]!, /log lines dropped: writing to fd \d+ failed \(EPIPE\)/)
  } finally {
    pipe.close()
  }
})

test('a function sink gets each batch as it is handed on, and the timer hands on a partial batch', async () => {
  const chunks: string[] = []
  const writer = new BatchWriter((chunk) => { chunks.push(chunk.toString()) }, { batchBytes: 1024 })
  for (let i = 0; i < 15; i++) writer.write(line(i))
  assert.ok(chunks.length >= 1, 'full batches go at once')
  const before = chunks.length
  await new Promise(resolve => setTimeout(resolve, 150))
  assert.equal(chunks.length, before + 1, 'the rest follows within FLUSH_MS')
  assert.equal(chunks.join(''), Array.from({ length: 15 }, (_, i) => line(i)).join(''))
})
