// Header and query transforms end to end: a real gateway, and a real upstream that records what it
// received and answers what the test sets.
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startRecordingUpstream } from '../helpers/recording-upstream.js'
import type { RecordingUpstream } from '../helpers/recording-upstream.js'

let up: RecordingUpstream
let gw: TestGateway

const config = (): string => `
upstreams:
  orders: { targets: [{ url: ${up.url} }] }
routes:
  - name: orders
    match: { path: /api/orders }
    upstream: orders
    transform:
      request:
        headers:
          set: { x-tenant: "t-\${request.header.x-team}", x-route: "\${route.name}" }
          add: { x-forwarded-client: "\${client.ip}" }
          remove: [x-debug]
          rename: { x-old-name: x-new-name }
        query: { set: { version: "2" }, remove: [debug] }
      response:
        headers:
          remove: [server, x-powered-by]
          set: { cache-control: no-store }
          add: { x-via: sluice }
          rename: { x-internal-id: x-public-id }
  - name: vars
    match: { path: /vars }
    upstream: orders
    transform:
      request:
        headers:
          set:
            x-id: "\${request.id}"
            x-method: "\${request.method}"
            x-path: "\${request.path}"
            x-q: "[\${request.query.q}]"
            x-h: "\${request.header.x-in}"
            x-ip: "\${client.ip}"
            x-route: "\${route.name}"
            x-consumer: "<\${consumer.id}|\${consumer.plan}|\${consumer.metadata.team}|\${claim.org.id}>"
        query: { set: { who: "\${request.header.x-in}" } }
  - name: reflect
    match: { path: /reflect }
    upstream: orders
    transform:
      request: { headers: { set: { x-name: "\${request.query.name}" } } }
  - name: reflect-back
    match: { path: /reflect-back }
    upstream: orders
    transform:
      response: { headers: { set: { x-name: "\${request.query.name}" } } }
  - name: plain
    match: { path: /plain }
    upstream: orders
`

before(async () => {
  up = await startRecordingUpstream()
  gw = await startGateway(config())
})

after(async () => {
  await gw.close()
  await up.close()
})

beforeEach(() => { up.answer({ body: 'ok' }) })

/** The values of `name` as the upstream received them, line by line. */
function lines (raw: readonly string[], name: string): string[] {
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) out.push(raw[i + 1]!)
  return out
}

test('request headers: set replaces, add keeps, remove drops, rename moves', async () => {
  const res = await send(gw.url, '/api/orders', {
    headers: {
      'x-team': 'payments',
      'x-tenant': 'forged',
      'x-forwarded-client': 'client-line',
      'x-debug': '1',
      'x-old-name': 'renamed',
      'x-new-name': 'replaced',
    },
  })
  assert.equal(res.status, 200)
  const raw = up.last().rawHeaders
  assert.deepEqual(lines(raw, 'x-tenant'), ['t-payments'])
  assert.deepEqual(lines(raw, 'x-route'), ['orders'])
  assert.deepEqual(lines(raw, 'x-forwarded-client'), ['client-line', '127.0.0.1'])
  assert.deepEqual(lines(raw, 'x-debug'), [])
  assert.deepEqual(lines(raw, 'x-old-name'), [])
  assert.deepEqual(lines(raw, 'x-new-name'), ['renamed'])
})

test('query: set replaces every occurrence, remove drops, other parameters keep their spelling', async () => {
  await send(gw.url, '/api/orders?a=%41+b&version=1&debug=true&version=0&d%65bug=x&z')
  assert.equal(up.last().url, '/api/orders?a=%41+b&z&version=2')
  await send(gw.url, '/api/orders')
  assert.equal(up.last().url, '/api/orders?version=2')
})

test('each request template variable', async () => {
  const res = await send(gw.url, '/vars/a%2Fb?q=hello%20world', {
    method: 'POST',
    headers: { 'x-in': 'from client', 'x-request-id': 'rid-123', 'content-length': '0' },
  })
  assert.equal(res.status, 200)
  const h = up.last().headers
  assert.equal(h['x-id'], res.headers['x-request-id'])
  assert.equal(h['x-method'], 'POST')
  assert.equal(h['x-path'], '/vars/a%2Fb')
  assert.equal(h['x-q'], '[hello world]')
  assert.equal(h['x-h'], 'from client')
  assert.equal(h['x-ip'], '127.0.0.1')
  assert.equal(h['x-route'], 'vars')
  // No authentication stage ran, so every consumer variable is empty.
  assert.equal(h['x-consumer'], '<|||>')
  assert.equal(up.last().url, '/vars/a%2Fb?q=hello%20world&who=from%20client')
})

test('a missing header or query parameter expands to the empty string', async () => {
  await send(gw.url, '/vars')
  assert.equal(up.last().headers['x-q'], '[]')
  assert.equal(up.last().headers['x-h'], '')
})

test('response headers: remove, set, add and rename on the upstream answer', async () => {
  up.answer({
    headers: [['Server', 'nginx'], ['X-Powered-By', 'php'], ['Cache-Control', 'max-age=60'], ['X-Internal-Id', '42'], ['x-via', 'upstream']],
    body: 'ok',
  })
  const res = await send(gw.url, '/api/orders')
  assert.equal(res.status, 200)
  assert.equal(res.body, 'ok')
  assert.equal(res.headers.server, undefined)
  assert.equal(res.headers['x-powered-by'], undefined)
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.equal(res.headers['x-via'], 'upstream, sluice')
  assert.equal(res.headers['x-internal-id'], undefined)
  assert.equal(res.headers['x-public-id'], '42')
})

test('a template value with CR LF cannot add a header: 500 SLC_TRANSFORM_INVALID_HEADER, nothing sent', async () => {
  const before = up.received.length
  const res = await send(gw.url, '/reflect?name=a%0D%0Ax-evil:%201')
  assert.equal(res.status, 500)
  const body = res.json<{ error: { code: string, requestId: string } }>()
  assert.equal(body.error.code, 'SLC_TRANSFORM_INVALID_HEADER')
  assert.equal(body.error.requestId, res.headers['x-request-id'])
  assert.equal(res.headers['x-evil'], undefined)
  assert.equal(up.received.length, before, 'the upstream got nothing')
  const line = gw.logs.find(l => l.msg === 'transform produced an invalid header value' && l.reqId === body.error.requestId)
  assert.ok(line !== undefined, 'an error log line names the request')
  assert.equal(line.header, 'x-name')
  assert.equal(line.route, 'reflect')
})

test('a valid reflected value goes through', async () => {
  await send(gw.url, '/reflect?name=caf%C3%A9')
  // é is U+00E9, one Latin-1 byte on the wire.
  assert.equal(Buffer.from(up.last().headers['x-name'] as string, 'latin1').toString('latin1'), 'café')
})

test('on the response side the upstream answer is replaced by the error', async () => {
  up.answer({ headers: { 'x-secret': 'yes' }, body: 'upstream body' })
  const res = await send(gw.url, '/reflect-back?name=%0Ax-evil:1')
  assert.equal(res.status, 500)
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_TRANSFORM_INVALID_HEADER')
  assert.equal(res.headers['x-evil'], undefined)
  assert.equal(res.headers['x-secret'], undefined)
})

test('a route without transforms forwards the target as the client wrote it', async () => {
  up.answer({ headers: { server: 'nginx' }, body: 'ok' })
  const res = await send(gw.url, '/plain?debug=1&version=1', { headers: { 'x-debug': '1' } })
  assert.equal(res.headers.server, 'nginx')
  assert.equal(up.last().url, '/plain?debug=1&version=1')
  assert.equal(up.last().headers['x-debug'], '1')
})
