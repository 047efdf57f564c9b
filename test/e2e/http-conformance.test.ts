// What the gateway answers to odd request preludes (docs/http-conformance.md), end to end on raw
// sockets against a real gateway and a real upstream.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { rawConnect, rawRequest } from '../helpers/raw-http.js'
import type { RawResult } from '../helpers/raw-http.js'
import { startUpstream } from '../helpers/upstream.js'
import type { EchoBody, TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let gw: TestGateway

before(async () => {
  up = await startUpstream('up')
  gw = await startGateway(`
upstreams: { up: { targets: [{ url: ${up.url} }] } }
routes:
  - { name: internal, match: { host: internal.example, path: / }, upstream: up, preserveHost: true }
  - { name: public, match: { host: public.example, path: / }, upstream: up, preserveHost: true }
`)
})

after(async () => {
  await gw.close()
  await up.close()
})

type ErrorBody = { error: { code: string, message: string, requestId: string } }

function request (lines: string[]): string {
  return lines.join('\r\n') + '\r\n\r\n'
}

/** Asserts a JSON error reply whose body names the same request id as its X-Request-Id header. */
function assertError (r: RawResult, status: number, code: string): ErrorBody['error'] {
  assert.ok(r.response !== undefined, `no response; got ${JSON.stringify(r.text.slice(0, 200))} (${r.ended})`)
  assert.equal(r.response.status, status, r.text.slice(0, 300))
  assert.equal(r.response.headers['content-type'], 'application/json; charset=utf-8')
  const body = r.response.json<ErrorBody>().error
  assert.equal(body.code, code)
  assert.ok(body.requestId !== '')
  assert.equal(r.response.headers['x-request-id'], body.requestId)
  return body
}

async function refused (data: string, status: number, code: string): Promise<ErrorBody['error']> {
  const before = up.requests
  const r = await rawRequest(gw.port, data)
  const body = assertError(r, status, code)
  assert.equal(up.requests, before, 'the upstream never saw the request')
  return body
}

// Item 2: absolute-form request-targets

test('absolute-form whose authority disagrees with Host → 400 SLC_INVALID_HOST, nothing forwarded', async () => {
  await refused(request(['GET http://internal.example/secret HTTP/1.1', 'Host: public.example', 'Connection: close']),
    400, 'SLC_INVALID_HOST')
})

test('absolute-form that agrees with Host is forwarded in origin-form, routed and hosted by that one authority', async () => {
  const r = await rawRequest(gw.port, request([
    'GET HTTP://Internal.Example:80/secret?q=1 HTTP/1.1', 'Host: internal.example', 'Connection: close',
  ]))
  assert.equal(r.response?.status, 200, r.text.slice(0, 300))
  const echo = r.response.json<EchoBody>()
  assert.equal(echo.url, '/secret?q=1')
  assert.equal(echo.headers.host, 'internal.example')
  assert.equal(echo.headers['x-forwarded-host'], 'internal.example')
})

test('absolute-form with userinfo or a non-http scheme, and authority-form outside CONNECT → 400', async () => {
  for (const target of ['http://user@public.example/', 'ftp://public.example/', 'public.example:80', 'http:///x']) {
    await refused(request([`GET ${target} HTTP/1.1`, 'Host: public.example', 'Connection: close']), 400, 'SLC_BAD_REQUEST')
  }
})

test('OPTIONS * is answered by the gateway itself (200, no body), not a 502 blamed on an upstream', async () => {
  const before = up.requests
  const r = await rawRequest(gw.port, request(['OPTIONS * HTTP/1.1', 'Host: public.example', 'Connection: close']))
  assert.equal(r.response?.status, 200, r.text.slice(0, 300))
  assert.equal(r.response.headers['content-length'], '0')
  assert.ok(r.response.headers['x-request-id'] !== undefined)
  assert.equal(up.requests, before)
  await refused(request(['GET * HTTP/1.1', 'Host: public.example', 'Connection: close']), 400, 'SLC_BAD_REQUEST')
})

test('CONNECT gets a local 501 SLC_NOT_IMPLEMENTED with the JSON body', async () => {
  const r = await rawRequest(gw.port, request(['CONNECT internal.example:443 HTTP/1.1', 'Host: internal.example:443']))
  assertError(r, 501, 'SLC_NOT_IMPLEMENTED')
  assert.equal(r.ended, 'end')
})

// Item 3: Host rules (RFC 9112 §3.2)

test('a request without Host gets 400 SLC_INVALID_HOST with the JSON body, not node:http\'s bare 400', async () => {
  await refused(request(['GET / HTTP/1.1', 'Connection: close']), 400, 'SLC_INVALID_HOST')
})

test('duplicate, empty and invalid Host lines → 400 SLC_INVALID_HOST', async () => {
  const cases = [
    ['Host: public.example', 'Host: internal.example'],
    ['Host: public.example', 'host: public.example'],
    ['Host: '],
    ['Host: a b/c'],
    ['Host: public.example:80x'],
    ['Host: user@public.example'],
    ['Host: [::1'],
  ]
  for (const hosts of cases) {
    const body = await refused(request(['GET / HTTP/1.1', ...hosts, 'Connection: close']), 400, 'SLC_INVALID_HOST')
    assert.match(body.message, /Host/, hosts.join(' | '))
  }
})

test('valid Host forms are accepted: port, IPv6 literal, trailing dot; HTTP/1.0 may omit Host', async () => {
  for (const host of ['public.example:8080', 'PUBLIC.example.', '[::1]:80']) {
    const r = await rawRequest(gw.port, request(['GET / HTTP/1.1', `Host: ${host}`, 'Connection: close']))
    // The IPv6 literal matches no route: 404 shows it passed the Host check.
    assert.ok(r.response?.status === 200 || r.response?.status === 404, `${host}: ${r.text.slice(0, 200)}`)
  }
  const r = await rawRequest(gw.port, request(['GET / HTTP/1.0']))
  assertError(r, 404, 'SLC_ROUTE_NOT_FOUND')
})

// Item 15: header count

test('2,002 header lines under the size limit → 431, never a silent cut', async () => {
  const lines = Array.from({ length: 2002 }, (_, i) => `x:${i % 10}`)
  await refused(request(['GET / HTTP/1.1', 'Host: public.example', ...lines, 'Connection: close']), 431, 'SLC_HEADERS_TOO_LARGE')
})

test('a request with many (but allowed) header lines reaches the upstream with every one of them', async () => {
  const lines = Array.from({ length: 90 }, (_, i) => `x-h${i}: ${i}`)
  const r = await rawRequest(gw.port, request(['GET / HTTP/1.1', 'Host: public.example', ...lines, 'Authorization: Bearer t', 'Connection: close']))
  assert.equal(r.response?.status, 200, r.text.slice(0, 300))
  const echo = r.response.json<EchoBody>()
  assert.equal(echo.headers['x-h89'], '89')
  assert.equal(echo.headers.authorization, 'Bearer t')
})

// Item 16: smaller conformance points

test('a 64 KB URL → 414 SLC_URI_TOO_LONG, not 431', async () => {
  const r = await rawRequest(gw.port, request([`GET /${'a'.repeat(64 * 1024)} HTTP/1.1`, 'Host: public.example', 'Connection: close']))
  assertError(r, 414, 'SLC_URI_TOO_LONG')
  const big = await rawRequest(gw.port, request(['GET / HTTP/1.1', 'Host: public.example', `x-big: ${'a'.repeat(64 * 1024)}`, 'Connection: close']))
  assertError(big, 431, 'SLC_HEADERS_TOO_LARGE')
})

test('an unknown method → 501 SLC_NOT_IMPLEMENTED; a method the parser knows is proxied', async () => {
  const r = await rawRequest(gw.port, request(['BREW / HTTP/1.1', 'Host: public.example', 'Connection: close']))
  assertError(r, 501, 'SLC_NOT_IMPLEMENTED')
  const ok = await rawRequest(gw.port, request(['PROPFIND / HTTP/1.1', 'Host: public.example', 'Connection: close']))
  assert.equal(ok.response?.status, 200)
  assert.equal(ok.response.json<EchoBody>().method, 'PROPFIND')
})

test('HTTP/2.0 in an HTTP/1 request line → 505 SLC_HTTP_VERSION; a version-less request line → 400', async () => {
  await refused(request(['GET / HTTP/2.0', 'Host: public.example']), 505, 'SLC_HTTP_VERSION')
  await refused(request(['GET / HTTP/3.0', 'Host: public.example']), 505, 'SLC_HTTP_VERSION')
  await refused(request(['GET /']), 400, 'SLC_BAD_REQUEST')
  await refused(request(['GET / HTTP/1.2', 'Host: public.example']), 505, 'SLC_HTTP_VERSION')
  await refused(request(['GET / HTTP/1.1x', 'Host: public.example']), 400, 'SLC_BAD_REQUEST')
})

test('a client that half-closes after its request still gets the answer', async () => {
  const r = await rawRequest(gw.port, request(['GET /half HTTP/1.1', 'Host: public.example']), { halfClose: true })
  assert.equal(r.response?.status, 200, `${r.ended}: ${r.text.slice(0, 200)}`)
  assert.equal(r.response.json<EchoBody>().url, '/half')
  assert.equal(r.ended, 'end')
})

// Item 7: a client error while a response is streaming

test('a malformed pipelined request during a streaming response cuts the connection, never splices a 400 into the body', async () => {
  const socket = await rawConnect(gw.port)
  const chunks: Buffer[] = []
  const closed = new Promise<void>(resolve => socket.on('close', () => resolve()))
  socket.on('error', () => {})
  const headSeen = new Promise<void>((resolve) => {
    socket.on('data', (c: Buffer) => {
      chunks.push(c)
      if (Buffer.concat(chunks).includes('\r\n\r\n')) resolve()
    })
  })
  const size = 32 * 1024 * 1024
  socket.write(request(['GET /big HTTP/1.1', 'Host: public.example', `x-mode: stream:${size}`]))
  await headSeen
  socket.write('GET / HTTP/1.1\r\nHost: public.example\r\nBad Header\r\n\r\n')
  await closed
  const text = Buffer.concat(chunks).toString('latin1')
  assert.ok(text.startsWith('HTTP/1.1 200'), text.slice(0, 100))
  assert.equal(text.indexOf('HTTP/1.1 400'), -1, 'no 400 spliced into the streaming body')
  assert.ok(text.length < size, 'the response was cut, not completed')
})
