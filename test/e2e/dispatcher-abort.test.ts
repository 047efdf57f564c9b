// Every way a caller's AbortSignal can end a call rejects with SLC_ABORTED, as undici users match
// on one code: whether the call is queued, in flight, backing off between attempts or waiting on an
// identical GET, and whatever the signal's reason (its default DOMException, an Error, a string).
// The reason is kept as the error's cause.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import { AbortedError } from '../../src/errors.js'
import { startSupplier } from '../helpers/supplier-server.js'

const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

async function aborted (p: Promise<unknown>, reason: unknown): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AbortedError, `expected AbortedError, got ${String(err)}`)
    assert.equal(err.code, 'SLC_ABORTED')
    if (reason !== undefined) assert.equal(err.cause, reason)
    return true
  })
}

for (const [name, reason] of [['its default reason', undefined], ['an Error', new Error('mine')], ['a string', 'why']] as const) {
  test(`an abort with ${name} rejects with SLC_ABORTED, queued or in flight`, async () => {
    const server = await startSupplier({})
    server.fail('stall')
    const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, maxConcurrent: 1, retry: false } } })
    try {
      const ac = new AbortController()
      const inFlight = d.request({ supplier: 's', method: 'POST', path: '/in-flight', signal: ac.signal })
      const queued = d.request({ supplier: 's', method: 'POST', path: '/queued', signal: ac.signal })
      while (server.count < 1) await settle()
      ac.abort(reason)
      await aborted(inFlight, reason)
      await aborted(queued, reason)
      assert.deepEqual(server.received.map(r => r.url), ['/in-flight'], 'the queued call was never sent')
      const pre = new AbortController()
      pre.abort(reason)
      await aborted(d.request({ supplier: 's', path: '/pre', signal: pre.signal }), reason)
    } finally {
      await d.close({ drain: false })
      await server.close()
    }
  })
}

test('an abort during the backoff between attempts rejects with SLC_ABORTED', async () => {
  const server = await startSupplier({})
  server.fail('503')
  const clock = new ManualClock()
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, retry: { attempts: 3 } } }, clock })
  try {
    const ac = new AbortController()
    const call = d.request({ supplier: 's', path: '/backoff', signal: ac.signal })
    while (server.count < 1) await settle()
    await settle()
    ac.abort()
    await aborted(call, undefined)
    assert.equal(server.count, 1, 'the backoff never ended on the manual clock')
  } finally {
    await d.close({ drain: false })
    await server.close()
  }
})

test('an abort of a GET waiting on an identical one in flight rejects with SLC_ABORTED', async () => {
  const server = await startSupplier({})
  server.fail('stall')
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, retry: false, cache: { ttl: '1m' } } } })
  try {
    const leader = new AbortController()
    const follower = new AbortController()
    const first = d.request({ supplier: 's', path: '/same', signal: leader.signal })
    const second = d.request({ supplier: 's', path: '/same', signal: follower.signal })
    while (server.count < 1) await settle()
    follower.abort()
    await aborted(second, undefined)
    leader.abort()
    await aborted(first, undefined)
  } finally {
    await d.close({ drain: false })
    await server.close()
  }
})
