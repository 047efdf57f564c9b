// Config-driven stages end to end, shown with the built-in `headers` stage: a top-level default
// reaches every route that does not set its own, a route's own block replaces it, the headers are
// on every kind of response (upstream answer, error reply), and a reload swaps them.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { freePort } from '../helpers/free-port.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let gw: TestGateway
let deadPort: number

const config = (defaultFrame: string): string => `
headers:
  response: { x-frame-options: ${defaultFrame}, x-content-type-options: nosniff }
upstreams:
  a: { targets: [{ url: ${up.url} }] }
  dead: { targets: [{ url: "http://127.0.0.1:${deadPort}" }] }
routes:
  - { name: plain, match: { path: /plain }, upstream: a }
  - name: own
    match: { path: /own }
    upstream: a
    headers: { response: { X-Frame-Options: SAMEORIGIN, cache-control: no-store, x-kept: fixed } }
  - { name: down, match: { path: /down }, upstream: dead }
`

before(async () => {
  up = await startUpstream('up')
  deadPort = await freePort()
  gw = await startGateway(config('DENY'))
})

after(async () => {
  await gw.close()
  await up.close()
})

test('the top-level default is set on a route without its own', async () => {
  const res = await send(gw.url, '/plain')
  assert.equal(res.status, 200)
  assert.equal(res.headers['x-frame-options'], 'DENY')
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
})

test("a route's own block replaces the default whole", async () => {
  const res = await send(gw.url, '/own')
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.equal(res.headers['x-content-type-options'], undefined)
})

test("a fixed header replaces the upstream's header of the same name", async () => {
  // The upstream answers X-Kept: yes; a second copy would arrive joined as "yes, fixed".
  const res = await send(gw.url, '/own', { headers: { 'x-mode': 'hop' } })
  assert.equal(res.body, 'ok')
  assert.equal(res.headers['x-kept'], 'fixed')
})

test('error replies carry the headers too', async () => {
  const res = await send(gw.url, '/down')
  assert.equal(res.status, 502)
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_BAD_GATEWAY')
  assert.equal(res.headers['x-frame-options'], 'DENY')
  assert.equal(typeof res.headers['x-request-id'], 'string')
})

test('a reload rebuilds the stages from the new config', async () => {
  assert.deepEqual(await gw.reload(config('"ALLOW-FROM https://a.example"')), { ok: true })
  const res = await send(gw.url, '/plain')
  assert.equal(res.headers['x-frame-options'], 'ALLOW-FROM https://a.example')
})
