// What a call leaves behind once it has ended, and what close() does to calls still alive. The
// heap is read after forced collections: gc is exposed from inside the test (V8 flag + vm), so the
// file runs under the plain test command.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createDispatcher } from './dispatcher.js'
import type { SupplierTransport } from './transport.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const answer = Object.freeze({ status: 200, headers: {}, body: Buffer.alloc(0) })
const instant = (): SupplierTransport => ({
  request: () => Promise.resolve(answer),
  close: async () => {},
  destroy: async () => {},
})

async function heapAfterGc (): Promise<number> {
  await new Promise(resolve => setImmediate(resolve))
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

test('200k calls with a timeout or a signal leave the heap flat once collected', async () => {
  const d = createDispatcher({
    suppliers: { s: { baseUrl: 'http://127.0.0.1:1', maxConcurrent: 64 } },
    queue: { maxSize: 2000 },
    transport: instant,
  })
  const caller = new AbortController()
  const run = async (n: number): Promise<void> => {
    for (let done = 0; done < n; done += 1000) {
      const batch: Promise<unknown>[] = []
      for (let i = 0; i < 1000; i++) {
        batch.push(i % 2 === 0
          ? d.request({ supplier: 's', path: '/', timeout: '30s' })
          : d.request({ supplier: 's', path: '/', timeout: '30s', signal: caller.signal }))
      }
      await Promise.all(batch)
    }
  }
  await run(10_000)
  const before = await heapAfterGc()
  await run(200_000)
  const after = await heapAfterGc()
  const grewMiB = (after - before) / 2 ** 20
  // Before the fix every call left a composite signal on the dispatcher's own: ~60 B a call, 12 MiB
  // here. The heap moves by ±2.5 MiB between runs without any leak.
  assert.ok(grewMiB < 4, `heap grew ${grewMiB.toFixed(1)} MiB over 200k calls`)
  await d.close()
})

test("a call's link to its caller's signal goes when the call ends", async () => {
  const d = createDispatcher({ suppliers: { s: { baseUrl: 'http://127.0.0.1:1' } }, transport: instant })
  const caller = new AbortController()
  await Promise.all(Array.from({ length: 20 }, () => d.request({ supplier: 's', path: '/', signal: caller.signal })))
  assert.equal(getEventListeners(caller.signal, 'abort').length, 0)
  await d.close()
})

test('calls sharing one caller signal add one listener to it, and its abort cuts them all', async () => {
  const stalled = (): SupplierTransport => ({
    request: (req) => new Promise((_resolve, reject) => {
      req.signal.addEventListener('abort', () => reject(new Error('cut', { cause: req.signal.reason })), { once: true })
    }),
    close: async () => {},
    destroy: async () => {},
  })
  const d = createDispatcher({ suppliers: { s: { baseUrl: 'http://127.0.0.1:1', maxConcurrent: 2, retry: false } }, transport: stalled })
  const caller = new AbortController()
  const calls = Array.from({ length: 50 }, () => d.request({ supplier: 's', path: '/', signal: caller.signal }))
  assert.equal(getEventListeners(caller.signal, 'abort').length, 1)
  caller.abort(new Error('user left'))
  for (const c of calls) await assert.rejects(c)
  assert.equal(getEventListeners(caller.signal, 'abort').length, 0)
  assert.equal(d.metrics().s!.queued, 0)
  await d.close()
})

test('close() cuts every live call: running, queued, and waiting for its store', async () => {
  const seen: AbortSignal[] = []
  const stalled = (): SupplierTransport => ({
    request (req) {
      seen.push(req.signal)
      return new Promise((_resolve, reject) => {
        req.signal.addEventListener('abort', () => reject(new Error('cut', { cause: req.signal.reason })), { once: true })
      })
    },
    close: async () => {},
    destroy: async () => {},
  })
  const d = createDispatcher({ suppliers: { s: { baseUrl: 'http://127.0.0.1:1', maxConcurrent: 2 } }, transport: stalled })
  const calls = Array.from({ length: 5 }, (_, i) => d.request({ supplier: 's', path: `/${i}`, timeout: '1h' }))
  await new Promise(resolve => setImmediate(resolve))
  assert.equal(seen.length, 2)
  await d.close({ drain: false })
  for (const c of calls) await assert.rejects(c, { code: 'SLC_SHUTTING_DOWN' })
  assert.ok(seen.every(s => s.aborted), 'the running attempts were cut')
  assert.deepEqual(d.metrics().s!.inFlight, 0)
})
