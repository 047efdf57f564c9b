import { test } from 'node:test'
import assert from 'node:assert/strict'
import { filterResponseHeaders, getHeader, removeHeader, scanRequestHeaders, setHeader } from './headers.js'

test('request: drops hop-by-hop, proxy credentials, expect, and headers the gateway rewrites', () => {
  const s = scanRequestHeaders([
    'Host', 'example.com', 'Connection', 'keep-alive, X-Secret', 'Keep-Alive', 'timeout=5',
    'Proxy-Connection', 'keep-alive', 'TE', 'trailers', 'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c',
    'Proxy-Authorization', 'Basic eA==', 'Expect', '100-continue', 'X-Secret', 'nope', 'Trailer', 'x',
    'Authorization', 'Bearer t', 'Accept', 'text/plain', 'X-Request-Id', 'abc', 'X-Forwarded-For', '1.1.1.1',
    'X-Forwarded-For', '2.2.2.2', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'front.example',
  ])
  assert.deepEqual(s.headers, ['authorization', 'Bearer t', 'accept', 'text/plain'])
  assert.equal(s.host, 'example.com')
  assert.equal(s.requestId, 'abc')
  assert.equal(s.forwardedFor, '1.1.1.1, 2.2.2.2')
  assert.equal(s.forwardedProto, 'https')
  assert.equal(s.forwardedHost, 'front.example')
})

test('request: Connection listing only close/keep-alive removes nothing else', () => {
  const s = scanRequestHeaders(['connection', 'close', 'x-a', '1'])
  assert.deepEqual(s.headers, ['x-a', '1'])
})

test('response: drops hop-by-hop and Connection-listed headers, keeps the rest and their case', () => {
  const raw = ['Content-Type', 'text/plain', 'Connection', 'X-Internal, keep-alive', 'x-internal', 'secret',
    'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2',
    'Upgrade', 'h2', 'Trailer', 'x', 'Proxy-Connection', 'close', 'TE', 'x'].map(s => Buffer.from(s, 'latin1'))
  assert.deepEqual(filterResponseHeaders(raw), ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'])
})

test('flat header helpers', () => {
  const h = ['Content-Type', 'a', 'x-y', '1', 'x-y', '2']
  assert.equal(getHeader(h, 'content-type'), 'a')
  assert.equal(getHeader(h, 'nope'), undefined)
  setHeader(h, 'x-y', '3')
  assert.deepEqual(h, ['Content-Type', 'a', 'x-y', '3'])
  removeHeader(h, 'content-type')
  assert.deepEqual(h, ['x-y', '3'])
})

test('request: address claims are set aside, Forwarded lines joined, Connection-listed ones dropped', () => {
  const s = scanRequestHeaders([
    'X-Real-IP', '6.6.6.6', 'CF-Connecting-IP', '7.7.7.7', 'Forwarded', 'for=1.1.1.1', 'forwarded', 'for=2.2.2.2',
    'X-Forwarded-Prefix', '/p', 'Connection', 'x-forwarded-prefix', 'Accept', '*/*',
  ])
  assert.deepEqual(s.headers, ['accept', '*/*'])
  assert.deepEqual(s.addressClaims, ['x-real-ip', '6.6.6.6', 'cf-connecting-ip', '7.7.7.7'])
  assert.equal(s.forwarded, 'for=1.1.1.1, for=2.2.2.2')
  assert.equal(scanRequestHeaders(['accept', '*/*']).addressClaims, undefined)
  assert.equal(scanRequestHeaders(['Forwarded', 'for=1.1.1.1', 'Connection', 'Forwarded']).forwarded, undefined)
})
