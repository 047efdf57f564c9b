// Issue 13's tracing acceptance against a real OTLP/HTTP receiver (an HTTP server decoding the JSON
// export): a server span and a client span per request with the right parent/child links, the
// incoming traceparent's trace id and the HTTP semconv attributes; the upstream receives a
// traceparent whose parent is the client span, also when the trace is not sampled; the trace id is
// in the access line; a 502 says why; with the receiver down the gateway serves normally and counts
// the spans it dropped.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { freePort } from '../helpers/free-port.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startOtlpReceiver } from '../helpers/otlp-receiver.js'
import type { OtlpReceiver, ReceivedSpan } from '../helpers/otlp-receiver.js'
import { startUpstream } from '../helpers/upstream.js'
import type { EchoBody, TestUpstream } from '../helpers/upstream.js'
import { until } from '../helpers/wait.js'

let up: TestUpstream
let otlp: OtlpReceiver
let gw: TestGateway
let deadPort: number

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const PARENT = 'b7ad6b7169203331'

before(async () => {
  up = await startUpstream('up')
  otlp = await startOtlpReceiver()
  deadPort = await freePort()
  gw = await startGateway(`
tracing: { endpoint: ${otlp.url}, serviceName: edge, sampleRatio: 1 }
upstreams:
  users: { targets: [{ url: ${up.url} }] }
  dead: { targets: [{ url: http://127.0.0.1:${deadPort} }] }
routes:
  - { name: users, match: { path: /users }, upstream: users }
  - { name: dead, match: { path: /dead }, upstream: dead }
`)
})

after(async () => {
  await gw.close()
  await otlp.close()
  await up.close()
})

/** The spans of one trace once `n` of them arrived (the queue exports them after its delay). */
async function traceSpans (traceId: string, n: number): Promise<ReceivedSpan[]> {
  const mine = (): ReceivedSpan[] => otlp.spans.filter(s => s.traceId === traceId)
  await until(`${n} spans of trace ${traceId}`, () => mine().length >= n, 10_000)
  return mine()
}

const upstreamParent = (body: EchoBody): string[] => String(body.headers.traceparent).split('-')

test('a sampled request: server span under the client\'s parent, client span under it, upstream under the client span', async () => {
  const n = gw.access().length
  const r = await send(gw.url, '/users/7?q=1', { headers: { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: 'vendor=x' } })
  assert.equal(r.status, 200)
  const spans = await traceSpans(TRACE, 2)
  assert.equal(spans.length, 2, 'one server and one client span')
  const server = spans.find(s => s.kind === 2)!
  const client = spans.find(s => s.kind === 3)!
  assert.ok(server && client)
  assert.equal(server.parentSpanId, PARENT, 'the server span continues the client\'s trace')
  assert.equal(client.parentSpanId, server.spanId, 'the attempt is a child of the request')
  assert.equal(server.service, 'edge')
  assert.equal(server.name, 'GET users')
  assert.deepEqual({
    method: server.attributes['http.request.method'],
    path: server.attributes['url.path'],
    route: server.attributes['http.route'],
    status: server.attributes['http.response.status_code'],
    host: server.attributes['server.address'],
  }, { method: 'GET', path: '/users/7', route: 'users', status: 200, host: '127.0.0.1' })
  assert.equal(client.attributes['http.request.method'], 'GET')
  assert.equal(client.attributes['server.address'], '127.0.0.1')
  assert.equal(client.attributes['server.port'], up.port)
  assert.equal(client.attributes['http.response.status_code'], 200)
  assert.equal('error.type' in server.attributes, false)

  const [version, traceId, parent, flags] = upstreamParent(r.json<EchoBody>())
  assert.deepEqual([version, traceId, parent, flags], ['00', TRACE, client.spanId, '01'], 'the upstream\'s parent is the client span')
  assert.equal(r.json<EchoBody>().headers.tracestate, 'vendor=x')
  assert.equal((await gw.lastAccess(n + 1)).traceId, TRACE)
})

test('an unsampled parent: nothing recorded, but the upstream still gets the trace (flags 00)', async () => {
  const trace = '1af7651916cd43dd8448eb211c80319d'
  const r = await send(gw.url, '/users', { headers: { traceparent: `00-${trace}-${PARENT}-00` } })
  assert.equal(r.status, 200)
  const [, traceId, parent, flags] = upstreamParent(r.json<EchoBody>())
  assert.equal(traceId, trace)
  assert.equal(flags, '00')
  assert.match(parent!, /^[0-9a-f]{16}$/)
  assert.notEqual(parent, PARENT, 'a span of its own, so the upstream hangs under the gateway')
  // A sampled request sent after it is exported; the unsampled one never is.
  const later = '2af7651916cd43dd8448eb211c80319e'
  await send(gw.url, '/users', { headers: { traceparent: `00-${later}-${PARENT}-01` } })
  await traceSpans(later, 2)
  assert.equal(otlp.spans.filter(s => s.traceId === trace).length, 0)
})

test('without a traceparent, a new trace: the upstream gets it and the access line names it', async () => {
  const n = gw.access().length
  const r = await send(gw.url, '/users')
  const [, traceId, parent, flags] = upstreamParent(r.json<EchoBody>())
  assert.match(traceId!, /^[0-9a-f]{32}$/)
  assert.equal(flags, '01', 'sampleRatio 1')
  assert.equal((await gw.lastAccess(n + 1)).traceId, traceId)
  const spans = await traceSpans(traceId!, 2)
  const server = spans.find(s => s.kind === 2)!
  assert.equal(server.parentSpanId, '', 'a root span')
  assert.equal(spans.find(s => s.kind === 3)!.spanId, parent)
})

test('a 502: both spans are errors, error.type the upstream\'s cause', async () => {
  const trace = '3af7651916cd43dd8448eb211c80319f'
  const r = await send(gw.url, '/dead', { headers: { traceparent: `00-${trace}-${PARENT}-01` } })
  assert.equal(r.status, 502)
  const spans = await traceSpans(trace, 2)
  const server = spans.find(s => s.kind === 2)!
  const client = spans.find(s => s.kind === 3)!
  assert.equal(server.attributes['http.response.status_code'], 502)
  assert.equal(server.attributes['error.type'], 'ECONNREFUSED')
  assert.equal(server.statusCode, 2)
  assert.equal(client.attributes['error.type'], 'ECONNREFUSED')
  assert.equal(client.statusCode, 2)
  assert.equal('http.response.status_code' in client.attributes, false, 'no response came')
})

test('receiver down: requests are served as usual and the lost spans are counted', { timeout: 60_000 }, async () => {
  const down = await freePort()
  const lonely = await startGateway(`
tracing: { endpoint: http://127.0.0.1:${down}/v1/traces, sampleRatio: 1 }
upstreams: { users: { targets: [{ url: ${up.url} }] } }
routes: [{ name: users, match: { path: /users }, upstream: users }]
`)
  try {
    for (let i = 0; i < 5; i++) assert.equal((await send(lonely.url, '/users')).status, 200)
  } finally {
    // close() sends what is queued: the export fails (after the exporter's own retries) and counts.
    await lonely.close()
  }
  const dropped = await lonely.gateway.metrics.tracingSpansDropped.get()
  const failed = dropped.values.find(v => v.labels.reason === 'export_failed')?.value
  assert.equal(failed, 10, 'a server and a client span per request')
})
