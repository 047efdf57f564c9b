// The dispatcher's tracing against a real OTLP/HTTP receiver and a real supplier: a span per call
// (with the time it waited in the queue) and a CLIENT span per attempt under it — a retried call
// shows two sibling attempts — and the supplier receives a traceparent whose parent is its attempt.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import { createMetrics } from '../../src/observability/metrics.js'
import { bindDispatcherMetrics } from '../../src/observability/dispatcher-metrics.js'
import { freePort } from '../helpers/free-port.js'
import { startOtlpReceiver } from '../helpers/otlp-receiver.js'
import type { OtlpReceiver } from '../helpers/otlp-receiver.js'
import { startSupplier } from '../helpers/supplier-server.js'
import type { SupplierServer } from '../helpers/supplier-server.js'
import { until } from '../helpers/wait.js'
import { spawnSluice } from '../helpers/sluice-process.js'

let otlp: OtlpReceiver
let server: SupplierServer

before(async () => {
  otlp = await startOtlpReceiver()
  server = await startSupplier()
})

after(async () => {
  await server.close()
  await otlp.close()
})

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT = '00f067aa0ba902b7'

test('a retried call: one call span with its queue wait, two sibling attempt spans, the supplier under its attempt', async () => {
  const d = createDispatcher({
    suppliers: { hotels: { baseUrl: server.url, retry: { attempts: 3, baseDelay: '1ms', maxDelay: '1ms' }, circuitBreaker: false } },
    tracing: { endpoint: otlp.url, serviceName: 'batch', sampleRatio: 1 },
    random: () => 0,
  })
  server.fail('503', 1)
  const seen = server.received.length
  const res = await d.request({ supplier: 'hotels', path: '/rooms?city=ROM', headers: { traceparent: `00-${TRACE}-${PARENT}-01` } })
  assert.equal(res.status, 200)
  assert.equal(res.attempts, 2)
  await d.close()
  await until('the call\'s spans', () => otlp.spans.filter(s => s.traceId === TRACE).length >= 3, 10_000)
  const spans = otlp.spans.filter(s => s.traceId === TRACE)
  const call = spans.find(s => s.kind === 1)!
  const resends = (s: { attributes: Record<string, unknown> }): number => Number(s.attributes['http.request.resend_count'] ?? 0)
  const attempts = spans.filter(s => s.kind === 3).sort((a, b) => resends(a) - resends(b))
  assert.ok(call, 'an INTERNAL call span')
  assert.equal(call.name, 'dispatch hotels')
  assert.equal(call.parentSpanId, PARENT, 'the caller\'s traceparent is the call\'s parent')
  assert.equal(call.service, 'batch')
  assert.equal(call.attributes['sluice.dispatcher.supplier'], 'hotels')
  assert.equal(call.attributes['sluice.dispatcher.attempts'], 2)
  assert.equal(typeof call.attributes['sluice.dispatcher.queue_wait_ms'], 'number', 'queue wait recorded')
  assert.equal(call.attributes['http.response.status_code'], 200)
  assert.equal(attempts.length, 2)
  for (const a of attempts) assert.equal(a.parentSpanId, call.spanId, 'attempts are siblings under the call')
  assert.equal(attempts[0]!.attributes['http.response.status_code'], 503)
  assert.equal(attempts[0]!.attributes['error.type'], '503')
  assert.equal(attempts[1]!.attributes['http.response.status_code'], 200)
  assert.equal(attempts[1]!.attributes['http.request.resend_count'], 1)
  assert.equal(attempts[1]!.attributes['server.port'], server.port)
  assert.equal(attempts[1]!.attributes['url.full'], `${server.url}/rooms`)

  const sent = server.received.slice(seen).map(r => String(r.headers.traceparent))
  assert.deepEqual(sent, attempts.map(a => `00-${TRACE}-${a.spanId}-01`), 'each attempt sends its own traceparent')
})

test('a dispatcher without tracing sends no traceparent of its own', async () => {
  const d = createDispatcher({ suppliers: { hotels: { baseUrl: server.url } } })
  const seen = server.received.length
  await d.request({ supplier: 'hotels', path: '/rooms' })
  await d.close()
  assert.equal(server.received[seen]!.headers.traceparent, undefined)
})

test('receiver down: calls are answered and the dropped spans are counted', { timeout: 60_000 }, async () => {
  const down = await freePort()
  const d = createDispatcher({
    suppliers: { hotels: { baseUrl: server.url } },
    tracing: { endpoint: `http://127.0.0.1:${down}/v1/traces`, sampleRatio: 1 },
  })
  const metrics = createMetrics()
  bindDispatcherMetrics(d, metrics)
  for (let i = 0; i < 3; i++) assert.equal((await d.request({ supplier: 'hotels', path: '/rooms' })).status, 200)
  await d.close()
  const dropped = await metrics.tracingSpansDropped.get()
  assert.equal(dropped.values.find(v => v.labels.reason === 'export_failed')?.value, 6, 'a call and an attempt span per call')
})

test('sluice dispatch takes the same tracing options from the suppliers file', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dispatch-trace-'))
  try {
    writeFileSync(join(dir, 'suppliers.yaml'), `suppliers:
  hotels: { baseUrl: ${server.url}, retry: false }
tracing: { endpoint: ${otlp.url}, serviceName: nightly-batch, sampleRatio: 1 }
`)
    writeFileSync(join(dir, 'in.jsonl'), JSON.stringify({ id: 'r1', supplier: 'hotels', path: '/cli' }) + '\n')
    const seen = server.received.length
    const run = spawnSluice(['dispatch', '-c', 'suppliers.yaml', '-i', 'in.jsonl', '-o', 'out.jsonl', '-q'], dir)
    assert.equal(await run.exited(), 0, run.output())
    const traceparent = String(server.received[seen]!.headers.traceparent)
    const [, traceId, parent, flags] = traceparent.split('-')
    assert.equal(flags, '01')
    // The CLI closes its dispatcher before exiting, which sends the queued spans.
    const spans = otlp.spans.filter(s => s.traceId === traceId)
    assert.equal(spans.length, 2, 'a call span and an attempt span')
    assert.equal(spans.find(s => s.kind === 3)?.spanId, parent)
    assert.ok(spans.every(s => s.service === 'nightly-batch'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
