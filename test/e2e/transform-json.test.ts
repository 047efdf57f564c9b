// JSON body transforms end to end: a real gateway, a real upstream that records the bytes it
// received and answers with the bytes the test sets.
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingHttpHeaders } from 'node:http'
import { gzipSync } from 'node:zlib'
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
        json:
          set: { "/meta/source": "gateway", "/meta/route": "\${route.name}", "/items/*/checked": true }
          remove: ["/internal", "/items/*/debug"]
          rename: { "/userName": "/user_name", "/items/*/sku": "/items/*/code" }
      response:
        json:
          remove: ["/secret", "/items/*/internalId"]
          rename: { "/user_name": "/userName" }
          set: { "/served/by": "\${route.name}" }
  - name: capped
    match: { path: /capped }
    upstream: orders
    maxBodySize: 3mb
    transform:
      request: { json: { set: { "/x": 1 } } }
      response: { json: { remove: ["/secret"] } }
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

const json = { 'content-type': 'application/json' }

async function skipped (route: string, reason: string): Promise<number> {
  const m = await gw.gateway.metrics.transformSkipped.get()
  return m.values.find(v => v.labels.route === route && v.labels.reason === reason)?.value ?? 0
}

/** A JSON document of about `bytes` bytes. */
function big (bytes: number): string {
  return JSON.stringify({ secret: 's', pad: 'x'.repeat(bytes) })
}

test('request JSON: set, remove, rename with nested pointers and * over arrays; exact Content-Length', async () => {
  const body = JSON.stringify({
    userName: 'ann',
    internal: { token: 't' },
    items: [{ sku: 'a1', debug: 1 }, { sku: 'b2' }],
  })
  const res = await send(gw.url, '/api/orders', { method: 'POST', headers: json, body })
  assert.equal(res.status, 200)
  const got = up.last()
  assert.deepEqual(JSON.parse(got.body.toString()), {
    user_name: 'ann',
    items: [{ code: 'a1', checked: true }, { code: 'b2', checked: true }],
    meta: { source: 'gateway', route: 'orders' },
  })
  assert.equal(got.headers['content-length'], String(got.body.length))
})

test('a chunked JSON request reaches the upstream with a Content-Length', async () => {
  await send(gw.url, '/api/orders', {
    method: 'POST', headers: { 'content-type': 'application/vnd.api+json' }, body: ['{"userName":', '"bo"}'],
  })
  const got = up.last()
  assert.deepEqual(JSON.parse(got.body.toString()), { user_name: 'bo', meta: { source: 'gateway', route: 'orders' } })
  assert.equal(got.headers['content-length'], String(got.body.length))
  assert.equal(got.headers['transfer-encoding'], undefined)
})

test('request bodies left alone: text/plain and invalid JSON pass unchanged and are counted', async () => {
  up.answer({ headers: json, body: '{}' })
  const plain0 = await skipped('orders', 'not_json')
  const invalid0 = await skipped('orders', 'invalid_json')
  await send(gw.url, '/api/orders', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"userName":"x"}' })
  assert.equal(up.last().body.toString(), '{"userName":"x"}')
  await send(gw.url, '/api/orders', { method: 'POST', headers: json, body: '{"userName": nope' })
  assert.equal(up.last().body.toString(), '{"userName": nope')
  assert.equal(up.last().headers['content-length'], '17')
  assert.equal(await skipped('orders', 'not_json'), plain0 + 1)
  assert.equal(await skipped('orders', 'invalid_json'), invalid0 + 1)
})

test('a 2 MiB JSON request over maxBodySize passes untouched, with or without a Content-Length', async () => {
  const before = await skipped('capped', 'too_large')
  const body = big(2 * 1024 * 1024)
  await send(gw.url, '/capped', { method: 'POST', headers: json, body })
  assert.equal(up.last().body.toString(), body)
  // Chunked: found too large only while reading; what was read goes back in front of the stream.
  const chunks = [body.slice(0, 700_000), body.slice(700_000, 1_500_000), body.slice(1_500_000)]
  await send(gw.url, '/capped', { method: 'POST', headers: json, body: chunks })
  assert.equal(up.last().body.toString(), body)
  assert.equal(await skipped('capped', 'too_large'), before + 2)
})

test('response JSON: remove nested and * members, rename, set; the length on the wire is the result', async () => {
  up.answer({
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ secret: 'k', user_name: 'ann', items: [{ id: 1, internalId: 'i1' }, { id: 2, internalId: 'i2' }] }),
  })
  const res = await send(gw.url, '/api/orders')
  assert.equal(res.status, 200)
  assert.deepEqual(res.json(), { userName: 'ann', items: [{ id: 1 }, { id: 2 }], served: { by: 'orders' } })
  // The head goes out before the body is read, so the result is sent chunked, never with a stale length.
  assert.equal(res.headers['content-length'], undefined)
  assert.equal(res.headers['transfer-encoding'], 'chunked')
})

test('response bodies left alone: text/plain, invalid JSON, gzip', async () => {
  const counts0 = await Promise.all(['not_json', 'invalid_json', 'encoding'].map(r => skipped('orders', r)))
  up.answer({ headers: { 'content-type': 'text/plain', 'content-length': '14' }, body: '{"secret":"k"}' })
  let res = await send(gw.url, '/api/orders')
  assert.equal(res.body, '{"secret":"k"}')
  assert.equal(res.headers['content-length'], '14')
  up.answer({ headers: json, body: '{"secret": ' })
  res = await send(gw.url, '/api/orders')
  assert.equal(res.body, '{"secret": ')
  const gz = gzipSync(JSON.stringify({ secret: 'k' }))
  up.answer({ headers: { ...json, 'content-encoding': 'gzip', 'content-length': String(gz.length) }, body: gz })
  const raw = await rawGet('/api/orders')
  assert.equal(raw.headers['content-encoding'], 'gzip')
  assert.equal(raw.headers['content-length'], String(gz.length))
  assert.deepEqual(raw.body, gz)
  const counts = await Promise.all(['not_json', 'invalid_json', 'encoding'].map(r => skipped('orders', r)))
  assert.deepEqual(counts, counts0.map(n => n + 1))
})

test('a 2 MiB JSON response over maxBodySize passes untouched, with or without a Content-Length', async () => {
  const before = await skipped('capped', 'too_large')
  const body = big(2 * 1024 * 1024)
  up.answer({ headers: { ...json, 'content-length': String(Buffer.byteLength(body)) }, body })
  let res = await send(gw.url, '/capped')
  assert.equal(res.body, body)
  assert.equal(res.headers['content-length'], String(body.length))
  up.answer({ headers: json, body: [body.slice(0, 600_000), body.slice(600_000)] })
  res = await send(gw.url, '/capped')
  assert.equal(res.body, body)
  assert.equal(await skipped('capped', 'too_large'), before + 2)
})

test('HEAD and 204 answers are not touched', async () => {
  up.answer({ status: 204, headers: json })
  let res = await send(gw.url, '/api/orders')
  assert.equal(res.status, 204)
  assert.equal(res.body, '')
  up.answer({ headers: { ...json, 'content-length': '14' }, body: '{"secret":"k"}' })
  res = await send(gw.url, '/api/orders', { method: 'HEAD' })
  assert.equal(res.status, 200)
  assert.equal(res.headers['content-length'], '14')
})

test("a chunked JSON request over the route's own maxBodySize is still 413", async () => {
  const body = big(3.5 * 1024 * 1024)
  const res = await send(gw.url, '/capped', { method: 'POST', headers: json, body: [body.slice(0, 1_000_000), body.slice(1_000_000)] })
  assert.equal(res.status, 413)
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_PAYLOAD_TOO_LARGE')
})

/** A GET whose body is returned as raw bytes (send() decodes to a string). */
async function rawGet (path: string): Promise<{ headers: IncomingHttpHeaders, body: Buffer }> {
  const { request } = await import('node:http')
  return new Promise((resolve, reject) => {
    request(new URL(path, gw.url), { agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ headers: res.headers, body: Buffer.concat(chunks) }) })
      res.on('error', reject)
    }).on('error', reject).end()
  })
}
