import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createBulkhead } from './bulkhead.js'
import { rootContext } from './policy.js'
import { AbortedError, UpstreamSaturatedError } from '../errors.js'

const flush = () => new Promise<void>(resolve => setImmediate(resolve))

function harness (maxConcurrent: number, maxQueue: number) {
  const b = createBulkhead({ name: 'up', maxConcurrent, maxQueue })
  const started: number[] = []
  const finishers = new Map<number, () => void>()
  let rejects = 0
  b.onReject.on(e => { assert.equal(e.name, 'up'); rejects++ })
  const run = (id: number, signal?: AbortSignal) => b.execute(() => {
    started.push(id)
    return new Promise<number>(resolve => finishers.set(id, () => resolve(id)))
  }, rootContext(signal))
  return { b, started, finish: (id: number) => finishers.get(id)!(), run, get rejects () { return rejects } }
}

test('caps concurrency and starts waiters FIFO as slots free', async () => {
  const h = harness(2, 10)
  const ps = [0, 1, 2, 3, 4].map(i => h.run(i))
  await flush()
  assert.deepEqual(h.started, [0, 1])
  assert.equal(h.b.inFlight, 2)
  assert.equal(h.b.queued, 3)
  h.finish(1)
  await flush()
  assert.deepEqual(h.started, [0, 1, 2])
  const late = h.run(5)
  h.finish(0)
  await flush()
  assert.deepEqual(h.started, [0, 1, 2, 3], 'the newcomer queued behind older waiters')
  for (const id of [2, 3, 4, 5]) { h.finish(id); await flush() }
  assert.deepEqual(await Promise.all([...ps, late]), [0, 1, 2, 3, 4, 5])
  assert.equal(h.b.inFlight, 0)
  assert.equal(h.b.queued, 0)
})

test('beyond the queue it rejects at once with UpstreamSaturatedError', async () => {
  const h = harness(1, 1)
  const a = h.run(0)
  const b = h.run(1)
  await assert.rejects(h.run(2), UpstreamSaturatedError)
  assert.equal(h.rejects, 1)
  h.finish(0); await flush(); h.finish(1)
  assert.deepEqual([await a, await b], [0, 1])
  assert.deepEqual(h.started, [0, 1])
})

test('abort while queued removes the waiter; it never runs', async () => {
  const h = harness(1, 5)
  const ac = new AbortController()
  const a = h.run(0)
  const b = h.run(1, ac.signal)
  const c = h.run(2)
  await flush()
  assert.equal(h.b.queued, 2)
  ac.abort()
  await assert.rejects(b, AbortedError)
  assert.equal(h.b.queued, 1)
  h.finish(0)
  await flush()
  h.finish(2)
  assert.deepEqual([await a, await c], [0, 2])
  assert.deepEqual(h.started, [0, 2])
  assert.equal(h.b.inFlight, 0)
})

test('a failing call frees its slot; an aborted caller never takes one', async () => {
  const b = createBulkhead({ name: 'up', maxConcurrent: 1 })
  await assert.rejects(b.execute(async () => { throw new Error('x') }, rootContext()), /x/)
  assert.equal(b.inFlight, 0)
  const ac = new AbortController()
  ac.abort()
  await assert.rejects(b.execute(async () => 1, rootContext(ac.signal)), AbortedError)
  assert.equal(await b.execute(async () => 2, rootContext()), 2)
  assert.throws(() => createBulkhead({ name: 'x', maxConcurrent: 0 }), /maxConcurrent/)
})
