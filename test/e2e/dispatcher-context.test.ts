import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AsyncLocalStorage } from 'node:async_hooks'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import { undiciTransport } from '../../src/dispatcher/transport.js'
import type { Transport } from '../../src/dispatcher/transport.js'
import { startSupplier } from '../helpers/supplier-server.js'

test("a queued call is sent in its caller's async context, not in the one of the call that freed its slot", async () => {
  const server = await startSupplier({ delayMs: 20 })
  const als = new AsyncLocalStorage<string>()
  const sentIn: (string | undefined)[] = []
  // The real transport, watched: which context is current when the dispatcher hands it a request.
  const watched: Transport = (cfg) => {
    const t = undiciTransport(cfg)
    return { ...t, request (req) { sentIn.push(als.getStore()); return t.request(req) } }
  }
  const d = createDispatcher({
    suppliers: {
      one: { baseUrl: server.url, maxConcurrent: 1 },
      retried: { baseUrl: server.url, maxConcurrent: 1, retry: { attempts: 2, baseDelay: '1ms', maxDelay: '1ms' } },
    },
    transport: watched,
  })
  try {
    const calls = ['A', 'B', 'C'].map(name => als.run(name, () => d.request({ supplier: 'one', path: `/${name}` })))
    const res = await Promise.all(calls)
    assert.deepEqual(res.map(r => r.status), [200, 200, 200])
    assert.deepEqual(sentIn, ['A', 'B', 'C'])

    // A retry that must queue for its slot behind another caller's call is sent in its own context.
    sentIn.length = 0
    server.fail('503', 1)
    const retried = ['D', 'E'].map(name => als.run(name, () => d.request({ supplier: 'retried', path: `/${name}` })))
    await Promise.all(retried)
    assert.deepEqual(sentIn.sort(), ['D', 'D', 'E'])
    assert.deepEqual(sentIn.length, 3)
  } finally {
    await d.close()
    await server.close()
  }
})
