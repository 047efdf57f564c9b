// ipRules against real sockets: the client address is the socket peer, or behind a trusted proxy
// the X-Forwarded-For entry it vouches for; deny wins over allow; a top-level default applies to
// routes without their own rules; a refused client never reaches the upstream.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let behindProxy: TestGateway
let direct: TestGateway

const routes = (): string => `
ipRules: { deny: [192.0.2.0/24] }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - name: orders
    match: { path: /orders }
    upstream: a
    ipRules: { allow: [10.0.0.0/8, "::1"], deny: [10.9.0.0/16] }
  - name: local
    match: { path: /local }
    upstream: a
    ipRules: { allow: [127.0.0.1] }
  - { name: open, match: { path: /open }, upstream: a }
`

before(async () => {
  up = await startUpstream('up')
  behindProxy = await startGateway(`server: { port: 0, trustedProxies: [127.0.0.1] }\n${routes()}`)
  direct = await startGateway(routes())
})

after(async () => {
  await behindProxy.close()
  await direct.close()
  await up.close()
})

const from = (ip: string): { headers: Record<string, string> } => ({ headers: { 'x-forwarded-for': ip } })

test('an allowed client passes, through the trusted proxy', async () => {
  const res = await send(behindProxy.url, '/orders', from('10.1.2.3'))
  assert.equal(res.status, 200)
})

test('a client outside allow is refused with 403 SLC_IP_DENIED and the request id', async () => {
  const before = up.requests
  const res = await send(behindProxy.url, '/orders', from('172.16.0.1'))
  assert.equal(res.status, 403)
  const body = res.json<{ error: { code: string, requestId: string } }>()
  assert.equal(body.error.code, 'SLC_IP_DENIED')
  assert.equal(body.error.requestId, res.headers['x-request-id'])
  assert.equal(up.requests, before, 'the upstream never saw it')
})

test('deny wins over allow', async () => {
  assert.equal((await send(behindProxy.url, '/orders', from('10.9.0.7'))).status, 403)
  assert.equal((await send(behindProxy.url, '/orders', from('10.8.255.255'))).status, 200)
})

test('the rightmost untrusted X-Forwarded-For entry is the client, not what it claims before it', async () => {
  // A client behind the trusted proxy prepends an allowed address; the proxy appends the real one.
  const res = await send(behindProxy.url, '/orders', from('10.1.2.3, 172.16.0.1'))
  assert.equal(res.status, 403)
})

test('X-Forwarded-For from an untrusted peer is not believed', async () => {
  assert.equal((await send(direct.url, '/orders', from('10.1.2.3'))).status, 403)
  assert.equal((await send(direct.url, '/local', from('10.1.2.3'))).status, 200, 'the socket peer 127.0.0.1 counts')
})

test('the top-level default applies to a route without its own rules, and a route\'s own replaces it', async () => {
  assert.equal((await send(behindProxy.url, '/open', from('192.0.2.9'))).status, 403)
  assert.equal((await send(behindProxy.url, '/open', from('198.51.100.1'))).status, 200)
  assert.equal((await send(behindProxy.url, '/orders', from('192.0.2.9'))).status, 403, 'own allow list has no 192.0.2/24')
})

test('IPv6 clients are matched too', async () => {
  assert.equal((await send(behindProxy.url, '/orders', from('::1'))).status, 200)
  assert.equal((await send(behindProxy.url, '/orders', from('::2'))).status, 403)
})
