// CORS (Fetch standard) end to end: preflights answered by the gateway and never forwarded, the
// allowed origin echoed with Vary: Origin, never `*` with credentials, wildcard subdomains, no
// CORS headers for other origins, and the headers on error replies too.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { freePort } from '../helpers/free-port.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'
import { createServer } from 'node:http'
import type { Server } from 'node:http'

let up: TestUpstream
let gw: TestGateway
let liar: Server
let liarUrl: string

before(async () => {
  up = await startUpstream('up')
  // An upstream with its own, more generous CORS policy: the route's config must replace it.
  liar = createServer((_req, res) => {
    res.writeHead(200, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'DELETE', vary: 'Accept' })
    res.end('ok')
  })
  await new Promise<void>(resolve => liar.listen(0, '127.0.0.1', resolve))
  liarUrl = `http://127.0.0.1:${(liar.address() as { port: number }).port}`
  const dead = await freePort()
  gw = await startGateway(`
cors: { allowOrigins: ["*"] }
upstreams:
  a: { targets: [{ url: ${up.url} }] }
  liar: { targets: [{ url: ${liarUrl} }] }
  dead: { targets: [{ url: "http://127.0.0.1:${dead}" }] }
routes:
  - name: app
    match: { path: /app }
    upstream: a
    cors: &app
      allowOrigins: [https://app.example.com, "https://*.example.com"]
      allowMethods: [GET, POST]
      allowHeaders: [content-type, authorization, x-api-key]
      exposeHeaders: [x-request-id]
      allowCredentials: true
      maxAge: 10m
  - { name: liar, match: { path: /liar }, upstream: liar, cors: *app }
  - { name: down, match: { path: /down }, upstream: dead, cors: *app }
  - { name: public, match: { path: /public }, upstream: a }
  - name: anycred
    match: { path: /anycred }
    upstream: a
    cors: { allowOrigins: ["*"], allowCredentials: true }
`)
})

after(async () => {
  await gw.close()
  await up.close()
  await new Promise(resolve => liar.close(resolve))
})

function preflight (path: string, origin: string, extra: Record<string, string> = {}): ReturnType<typeof send> {
  return send(gw.url, path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key', ...extra },
  })
}

test('an allowed preflight is answered 204 by the gateway and not forwarded', async () => {
  const before = up.requests
  const res = await preflight('/app', 'https://app.example.com')
  assert.equal(res.status, 204)
  assert.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  assert.equal(res.headers['access-control-allow-credentials'], 'true')
  assert.equal(res.headers['access-control-allow-methods'], 'GET, POST')
  assert.equal(res.headers['access-control-allow-headers'], 'content-type, authorization, x-api-key')
  assert.equal(res.headers['access-control-max-age'], '600')
  assert.match(String(res.headers.vary), /Origin/)
  assert.equal(res.body, '')
  assert.equal(up.requests, before)
})

test('a preflight from an origin not allowed gets no CORS headers and is not forwarded either', async () => {
  const before = up.requests
  const res = await preflight('/app', 'https://evil.test')
  assert.equal(res.status, 204)
  for (const name of Object.keys(res.headers)) assert.ok(!name.startsWith('access-control-'), name)
  assert.equal(up.requests, before)
})

test('a wildcard subdomain is allowed and echoed; the apex and look-alikes are not', async () => {
  const ok = await send(gw.url, '/app', { headers: { origin: 'https://a.b.example.com' } })
  assert.equal(ok.status, 200)
  assert.equal(ok.headers['access-control-allow-origin'], 'https://a.b.example.com')
  assert.equal(ok.headers['access-control-expose-headers'], 'x-request-id')
  for (const origin of ['https://example.com', 'https://example.com.evil.test', 'http://a.example.com']) {
    const res = await send(gw.url, '/app', { headers: { origin } })
    assert.equal(res.status, 200, 'the request itself goes through; the browser blocks the read')
    assert.equal(res.headers['access-control-allow-origin'], undefined, origin)
    assert.equal(res.headers['access-control-allow-credentials'], undefined, origin)
  }
})

test('`*` with credentials echoes the origin, never `*`; without credentials it is `*`', async () => {
  const cred = await send(gw.url, '/anycred', { headers: { origin: 'https://x.test' } })
  assert.equal(cred.headers['access-control-allow-origin'], 'https://x.test')
  assert.equal(cred.headers['access-control-allow-credentials'], 'true')
  assert.match(String(cred.headers.vary), /Origin/)
  const open = await send(gw.url, '/public', { headers: { origin: 'https://x.test' } })
  assert.equal(open.headers['access-control-allow-origin'], '*', 'the top-level default')
  assert.equal(open.headers['access-control-allow-credentials'], undefined)
})

test('Vary: Origin is sent even to a request without Origin, so caches keep answers apart', async () => {
  const res = await send(gw.url, '/app')
  assert.equal(res.headers.vary, 'Origin')
  assert.equal(res.headers['access-control-allow-origin'], undefined)
})

test("the upstream's own CORS headers are replaced by the route's; its Vary is kept and extended", async () => {
  const res = await send(gw.url, '/liar', { headers: { origin: 'https://evil.test' } })
  assert.equal(res.headers['access-control-allow-origin'], undefined)
  assert.equal(res.headers['access-control-allow-methods'], undefined)
  assert.equal(res.headers.vary, 'Accept, Origin')
})

test('an error reply carries the CORS headers, so the browser can read it', async () => {
  const res = await send(gw.url, '/down', { headers: { origin: 'https://app.example.com' } })
  assert.equal(res.status, 502)
  assert.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  assert.equal(res.headers['access-control-allow-credentials'], 'true')
})

test('a plain OPTIONS without Access-Control-Request-Method is not a preflight and is forwarded', async () => {
  const res = await send(gw.url, '/app', { method: 'OPTIONS', headers: { origin: 'https://app.example.com' } })
  assert.equal(res.status, 200)
  assert.equal(res.json<{ method: string }>().method, 'OPTIONS')
})
