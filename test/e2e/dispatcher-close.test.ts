// close({ drain: 'in-flight' }) stops sending at once: what is queued (or would queue again for a
// retry) is refused with SLC_SHUTTING_DOWN, and only attempts already on the wire may finish.
// `sluice dispatch` uses it for Ctrl-C, whatever the input size.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import { startSupplier } from '../helpers/supplier-server.js'

const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve))
const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c

test("close({ drain: 'in-flight' }) refuses queued calls at once and lets the one in flight finish", async () => {
  const server = await startSupplier({ delayMs: 200 })
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, maxConcurrent: 1, retry: false } } })
  try {
    const sent = d.request({ supplier: 's', path: '/sent' })
    const queued = Array.from({ length: 50 }, (_, i) => d.request({ supplier: 's', path: `/queued/${i}` }))
    for (const q of queued) q.catch(() => {})
    while (server.count < 1) await settle()
    const closed = d.close({ drain: 'in-flight', timeout: '10s' })
    for (const q of queued) await assert.rejects(q, code('SLC_SHUTTING_DOWN'))
    assert.equal((await sent).status, 200, 'the call on the wire finished')
    await closed
    assert.deepEqual(server.received.map(r => r.url), ['/sent'], 'nothing queued was sent')
  } finally {
    await server.close()
  }
})

test("close({ drain: 'in-flight' }) refuses the next attempt of a call backing off", async () => {
  const server = await startSupplier({})
  server.fail('503')
  const clock = new ManualClock()
  const d = createDispatcher({ suppliers: { s: { baseUrl: server.url, retry: { attempts: 3 } } }, clock })
  try {
    const call = d.request({ supplier: 's', path: '/retried' })
    call.catch(() => {})
    while (server.count < 1) await settle()
    await settle()
    const closed = d.close({ drain: 'in-flight', timeout: '10s' })
    await clock.tick(10_000)
    await assert.rejects(call, code('SLC_SHUTTING_DOWN'))
    await closed
    assert.equal(server.count, 1, 'no second attempt was sent')
  } finally {
    await server.close()
  }
})
