// Issue 6 item 18: a caller's mistake is the caller's. It must not reach the supplier, be retried,
// or count against the supplier's breaker, so one bad call cannot open the circuit for everyone.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import type { Dispatcher } from '../../src/dispatcher/dispatcher.js'
import type { DispatchRequest } from '../../src/dispatcher/request.js'
import { undiciTransport } from '../../src/dispatcher/transport.js'
import { normalizeOptions } from '../../src/dispatcher/options.js'
import { startSupplier } from '../helpers/supplier-server.js'
import type { SupplierServer } from '../helpers/supplier-server.js'

const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(() => 'resolved', (err: { code?: string }) => err.code ?? String(err))

/** A breaker that opens on the first failure and a retry that would try three times. */
async function withTrigger (fn: (d: Dispatcher, server: SupplierServer) => Promise<void>): Promise<void> {
  const server = await startSupplier({})
  const d = createDispatcher({
    suppliers: {
      s: {
        baseUrl: server.url,
        retry: { attempts: 3, baseDelay: '1ms', maxDelay: '1ms', retryNonIdempotent: true },
        circuitBreaker: { consecutiveFailures: 1, openFor: '1h' },
      },
    },
  })
  try {
    await fn(d, server)
  } finally {
    await d.close()
    await server.close()
  }
}

const bad: Array<[string, DispatchRequest]> = [
  ['a space in the path', { supplier: 's', path: '/a b' }],
  ['a non-latin1 character in the path', { supplier: 's', path: '/caf\u20ac' }],
  ['CR/LF in a header value', { supplier: 's', path: '/', headers: { 'x-a': 'v\r\nx-injected: 1' } }],
  ['an invalid header name', { supplier: 's', path: '/', headers: { 'bad name': 'v' } }],
  ['a transfer-encoding header undici refuses', { supplier: 's', method: 'POST', path: '/', body: 'x', headers: { 'transfer-encoding': 'chunked' } }],
  ['an expect header undici does not support', { supplier: 's', method: 'POST', path: '/', body: 'x', headers: { expect: '100-continue' } }],
  ['a body that cannot be sent as JSON', { supplier: 's', method: 'POST', path: '/', body: { n: 1n } }],
  ['an invalid method', { supplier: 's', method: 'G ET', path: '/' }],
  ['a content-length that disagrees with the body', { supplier: 's', method: 'POST', path: '/', body: 'abc', headers: { 'content-length': '10' } }],
]

for (const [name, req] of bad) {
  test(`${name}: SLC_INVALID_OPTIONS, nothing sent, not retried, the breaker stays closed`, () => withTrigger(async (d, server) => {
    assert.equal(await codeOf(d.request(req)), 'SLC_INVALID_OPTIONS')
    assert.equal(server.count, 0, 'the supplier saw nothing')
    const m = d.metrics().s!
    assert.deepEqual([m.retries, m.breaker, m.failures], [0, 'closed', 0], 'never counted as a supplier failure')
    const ok = await d.request({ supplier: 's', path: '/ok' })
    assert.equal(ok.status, 200, 'the next valid call goes through')
    assert.equal(server.count, 1)
  }))
}

test('request() never throws synchronously: malformed options reject with SLC_INVALID_OPTIONS', () => withTrigger(async (d, server) => {
  const malformed: unknown[] = [
    { supplier: 's', path: '/', signal: null },
    { supplier: 's', path: '/', signal: 'abort' },
    { supplier: 's', path: 42 },
    { supplier: 's', path: '/', method: 7 },
    { supplier: 's', path: '/', headers: 'x' },
    { supplier: 's', path: '/', headers: { a: 1 } },
    { supplier: 's', path: '/', query: 'a=1' },
    { supplier: 's', path: '/', priority: 'urgent' },
    { supplier: 's', path: '/', timeout: 'soon' },
    { supplier: 's', path: '/', idempotent: 'yes' },
  ]
  for (const req of malformed) {
    let p: Promise<unknown> | undefined
    assert.doesNotThrow(() => { p = d.request(req as DispatchRequest) }, JSON.stringify(req))
    assert.equal(await codeOf(p!), 'SLC_INVALID_OPTIONS', JSON.stringify(req))
  }
  for (const req of [null, undefined, 'x']) {
    let p: Promise<unknown> | undefined
    assert.doesNotThrow(() => { p = d.request(req as unknown as DispatchRequest) })
    assert.equal(await codeOf(p!), 'SLC_INVALID_OPTIONS', String(req))
  }
  assert.equal(server.count, 0)
  assert.equal(d.metrics().s!.breaker, 'closed')
}))

test('a closed transport answers SLC_SHUTTING_DOWN, not SLC_BAD_GATEWAY', async () => {
  const server = await startSupplier({})
  try {
    const cfg = normalizeOptions({ suppliers: { s: { baseUrl: server.url } } }).suppliers.get('s')!
    const t = undiciTransport(cfg)
    await t.close()
    const req = { method: 'GET', path: '/', headers: {}, body: undefined, signal: new AbortController().signal }
    assert.equal(await codeOf(t.request(req)), 'SLC_SHUTTING_DOWN')
    assert.equal(server.count, 0)
  } finally {
    await server.close()
  }
})

test('caller errors the transport finds are classified too (a custom transport, no up-front check)', async () => {
  // The transport sees what request validation let through; its own refusals must be caller errors.
  const server = await startSupplier({})
  const d = createDispatcher({
    suppliers: { s: { baseUrl: server.url, retry: { attempts: 3, baseDelay: '1ms', maxDelay: '1ms' }, circuitBreaker: { consecutiveFailures: 1, openFor: '1h' } } },
    transport: (cfg) => {
      const real = undiciTransport(cfg)
      // Sends a header undici refuses, whatever the caller gave.
      return { ...real, request: (req) => real.request({ ...req, headers: { ...req.headers, 'transfer-encoding': 'chunked, x' }, signal: req.signal }) }
    },
  })
  try {
    assert.equal(await codeOf(d.request({ supplier: 's', path: '/' })), 'SLC_INVALID_OPTIONS')
    assert.equal(server.count, 0)
    const m = d.metrics().s!
    assert.deepEqual([m.retries, m.breaker, m.failures, m.rejected], [0, 'closed', 0, 1], 'counted as rejected, not failed')
  } finally {
    await d.close()
    await server.close()
  }
})
