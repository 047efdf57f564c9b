// Issue 12, "diagnosable failures": a 502/504 says why in the log, once per request, at warn, with
// the upstream's own error code and message, the target and the attempt; repeats of the same
// failure are throttled (one line per upstream, target and cause per window, the next line counts
// the ones held back). The access line carries the client IP (and the consumer, once known).

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../../src/core/manual-clock.js'
import { FAILURE_LOG_WINDOW_MS } from '../../src/observability/failure-log.js'
import { freePort } from '../helpers/free-port.js'
import { makeKey, sign, startJwksServer } from '../helpers/jwks-server.js'
import type { JwksServer, SigningKey } from '../helpers/jwks-server.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let gw: TestGateway
let deadPort: number
let idp: JwksServer
let key: SigningKey
const clock = new ManualClock(0, Date.now())

before(async () => {
  up = await startUpstream('up')
  deadPort = await freePort()
  key = await makeKey('k1', 'ES256')
  idp = await startJwksServer([key])
  gw = await startGateway(`
auth:
  jwt:
    - { name: corp, issuer: https://idp.test/, audiences: [api], jwksUrl: ${idp.url}, algorithms: [ES256] }
upstreams:
  up:
    targets: [{ url: ${up.url} }]
    timeouts: { response: 5s }
  dead: { targets: [{ url: http://127.0.0.1:${deadPort} }] }
routes:
  - { name: up, match: { path: /up }, upstream: up }
  - { name: dead, match: { path: /dead }, upstream: dead }
  - { name: signed, match: { path: /signed }, upstream: up, auth: { methods: [jwt] } }
`, { clock })
  for (let i = 0; i < 100 && idp.fetches === 0; i++) await new Promise(resolve => setTimeout(resolve, 5))
})

after(async () => {
  await gw.close()
  await up.close()
  await idp.close()
})

const warns = (): Array<Record<string, unknown>> => gw.logs.filter(l => l.msg === 'upstream request failed')

test('a 502 logs its cause once at warn: upstream error code and message, target, attempt', async () => {
  const before = warns().length
  const r = await send(gw.url, '/dead', { headers: { 'x-request-id': 'why-502' } })
  assert.equal(r.status, 502)
  await gw.lastAccess(1)
  const lines = warns().slice(before)
  assert.equal(lines.length, 1, 'one line for the request')
  const w = lines[0]!
  assert.equal(w.level, 40)
  assert.equal(w.reqId, 'why-502')
  assert.equal(w.status, 502)
  assert.equal(w.code, 'SLC_BAD_GATEWAY')
  assert.equal(w.route, 'dead')
  assert.equal(w.upstream, 'dead')
  assert.equal(w.target, `http://127.0.0.1:${deadPort}`)
  assert.equal(w.attempt, 2, 'the refused connection was retried once (retry defaults), then answered')
  assert.equal(w.causeCode, 'ECONNREFUSED')
  assert.match(String(w.cause), /ECONNREFUSED/)
})

test('repeats of one failure are throttled per window; the next line counts what was held back', async () => {
  clock.advance(FAILURE_LOG_WINDOW_MS)
  const before = warns().length
  for (let i = 0; i < 3; i++) assert.equal((await send(gw.url, '/dead')).status, 502)
  assert.equal(warns().length - before, 1, 'the first of the window is logged, the next two are not')
  clock.advance(FAILURE_LOG_WINDOW_MS)
  assert.equal((await send(gw.url, '/dead')).status, 502)
  const lines = warns().slice(before)
  assert.equal(lines.length, 2)
  assert.equal(lines[1]!.suppressed, 2)
  assert.equal('suppressed' in lines[0]!, false)
})

test('a 504 logs the timeout with its target and attempt', { timeout: 30_000 }, async () => {
  const before = warns().length
  const pending = send(gw.url, '/up', { headers: { 'x-mode': 'hold', 'x-request-id': 'why-504' } })
  await up.waitForHeld(1)
  clock.advance(5000)
  const r = await pending
  assert.equal(r.status, 504)
  up.release()
  const lines = warns().slice(before)
  assert.equal(lines.length, 1)
  assert.equal(lines[0]!.reqId, 'why-504')
  assert.equal(lines[0]!.code, 'SLC_UPSTREAM_TIMEOUT')
  assert.equal(lines[0]!.target, up.url)
  assert.equal(lines[0]!.attempt, 1)
  assert.match(String(lines[0]!.cause), /5000ms/)
})

test('answers other than 502/504 log no failure line', async () => {
  const before = warns().length
  assert.equal((await send(gw.url, '/up')).status, 200)
  assert.equal((await send(gw.url, '/nowhere')).status, 404)
  assert.equal(warns().length, before)
})

test('the access line carries the client IP, and the consumer id when one is known', async () => {
  const n = gw.access().length
  await send(gw.url, '/up')
  const plain = await gw.lastAccess(n + 1)
  assert.equal(plain.clientIp, '127.0.0.1')
  assert.equal('consumer' in plain, false)
  const token = await sign(key, { iss: 'https://idp.test/', aud: 'api', sub: 'alice' }, clock.wallNow())
  await send(gw.url, '/signed', { headers: { authorization: `Bearer ${token}` } })
  const signed = await gw.lastAccess(n + 2)
  assert.equal(signed.status, 200)
  assert.equal(signed.consumer, 'alice')
  assert.equal(signed.clientIp, '127.0.0.1')
})
