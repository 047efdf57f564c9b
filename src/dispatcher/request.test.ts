import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../core/manual-clock.js'
import { normalizeOptions } from './options.js'
import { prepareRequest } from './request.js'

function config (headers?: Record<string, string>) {
  return normalizeOptions({ suppliers: { s: { baseUrl: 'http://127.0.0.1:1/api/', headers } } }).suppliers.get('s')!
}

test('path, query, method and priority', () => {
  const cfg = config()
  const clock = new ManualClock()
  const a = prepareRequest({ supplier: 's', path: 'v1/x' }, cfg, clock)
  assert.equal(a.meta.path, '/api/v1/x')
  assert.equal(a.meta.method, 'GET')
  assert.equal(a.meta.priority, 3)
  const b = prepareRequest({ supplier: 's', method: 'post', path: '/v1/x', query: { a: 1, b: ['x', 'y'], c: undefined }, priority: 'high' }, cfg, clock)
  assert.equal(b.meta.path, '/api/v1/x?a=1&b=x&b=y')
  assert.equal(b.meta.method, 'POST')
  assert.equal(b.meta.priority, 2)
  assert.equal(prepareRequest({ supplier: 's', path: '/', query: {} }, cfg, clock).meta.path, '/api/')
})

test('supplier headers are shared when the request adds none, copied when it does or sends JSON', () => {
  const cfg = config({ authorization: 'k', 'Idempotency-Key': 'i' })
  const clock = new ManualClock()
  const plain = prepareRequest({ supplier: 's', path: '/', body: 'raw' }, cfg, clock)
  const ua = cfg.headers['user-agent']!
  assert.match(ua, /^sluice\/\d/)
  assert.deepEqual(plain.meta.headers, { 'user-agent': ua, authorization: 'k', 'idempotency-key': 'i' }, 'supplier header names are kept in lower case')
  assert.equal(plain.meta.idempotent, true, 'an Idempotency-Key among the supplier headers counts')
  const json = prepareRequest({ supplier: 's', method: 'POST', path: '/', body: { a: 1 } }, cfg, clock)
  assert.equal(json.meta.body, '{"a":1}')
  assert.equal(json.meta.headers['content-type'], 'application/json')
  assert.deepEqual(cfg.headers, { 'user-agent': ua, authorization: 'k', 'idempotency-key': 'i' }, 'the supplier headers are untouched')
  const own = prepareRequest({ supplier: 's', path: '/', headers: { Authorization: 'mine', x: '1' } }, cfg, clock)
  assert.deepEqual(own.meta.headers, { 'user-agent': ua, authorization: 'mine', 'idempotency-key': 'i', x: '1' }, 'a request header replaces the supplier\'s in any case')
  const bytes = prepareRequest({ supplier: 's', path: '/', body: new Uint8Array([1, 2]) }, config(), clock)
  assert.ok(Buffer.isBuffer(bytes.meta.body))
  assert.equal(bytes.meta.headers['content-type'], undefined)
})
