// JWT authentication against a real JWKS server (RSA and EC keys), a real upstream and the
// injected clock: every refusal is a 401 with an RFC 6750 challenge, a valid token reaches the
// upstream with X-Consumer-Id and its forwarded claims (client copies of both removed), key
// rotation works after one refetch, a flood of unknown kids costs at most one refetch, and a JWKS
// endpoint that goes down leaves the known keys working, loudly.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac, randomUUID } from 'node:crypto'
import { exportSPKI } from 'jose'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { makeKey, sign, startJwksServer } from '../helpers/jwks-server.js'
import type { JwksServer, SigningKey } from '../helpers/jwks-server.js'
import { startUpstream } from '../helpers/upstream.js'
import type { EchoBody, TestUpstream } from '../helpers/upstream.js'

const ISS = 'https://idp.test/'
let clock: ManualClock
let up: TestUpstream
let idp: JwksServer
let gw: TestGateway
let rsa: SigningKey
let ec: SigningKey

before(async () => {
  clock = new ManualClock(0, Date.now())
  rsa = await makeKey('rsa-1', 'RS256')
  ec = await makeKey('ec-1', 'ES256')
  idp = await startJwksServer([rsa, ec])
  up = await startUpstream('up')
  gw = await startGateway(`
consumers:
  acme: { plan: pro }
auth:
  jwt:
    - name: corp
      issuer: ${ISS}
      audiences: [orders-api]
      jwksUrl: ${idp.url}
      algorithms: [RS256, ES256]
      clockSkew: 30s
      rolesClaim: realm_access.roles
      forwardClaims: { x-user-id: sub, x-team: org.team }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - name: orders
    match: { path: /orders }
    upstream: a
    auth: { methods: [jwt], scopes: [orders:read] }
    cors: { allowOrigins: [https://app.example.com], allowCredentials: true }
  - { name: open, match: { path: /open }, upstream: a }
  - name: admin
    match: { path: /admin-only }
    upstream: a
    auth: { methods: ["jwt:corp"], roles: [admin, ops] }
`, { clock })
  // The JWKS fetch starts when the snapshot goes live; let it land.
  for (let i = 0; i < 100 && idp.fetches === 0; i++) await new Promise(resolve => setTimeout(resolve, 5))
})

after(async () => {
  await gw.close()
  await up.close()
  await idp.close()
})

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ iss: ISS, aud: 'orders-api', sub: 'acme', scope: 'orders:read orders:write', jti: randomUUID(), ...extra })

function call (path: string, token: string | undefined, headers: Record<string, string> = {}): ReturnType<typeof send> {
  return send(gw.url, path, { headers: token === undefined ? headers : { authorization: `Bearer ${token}`, ...headers } })
}

async function refused (token: string, why: string): Promise<void> {
  const res = await call('/orders', token)
  assert.equal(res.status, 401, why)
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_UNAUTHENTICATED', why)
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="sluice", error="invalid_token"', why)
  assert.ok(!res.body.includes(token.split('.')[1]!), 'the body never echoes the token')
}

test('a valid RS256 token reaches the upstream with X-Consumer-Id and forwarded claims; client copies are removed', async () => {
  const token = await sign(rsa, claims({ org: { team: 'payments' } }), clock.wallNow())
  const res = await call('/orders', token, {
    'x-consumer-id': 'mallory', 'x-consumer-plan': 'free', 'x-user-id': 'mallory', 'x-team': 'admins',
  })
  assert.equal(res.status, 200)
  const seen = res.json<EchoBody>().headers
  assert.equal(seen['x-consumer-id'], 'acme')
  assert.equal(seen['x-user-id'], 'acme')
  assert.equal(seen['x-team'], 'payments')
  assert.equal(seen['x-consumer-plan'], undefined)
  assert.equal(seen.authorization, `Bearer ${token}`)
})

test('a route without auth never forwards client-sent X-Consumer-* or forwardClaims headers either', async () => {
  const res = await call('/open', undefined, { 'x-consumer-id': 'mallory', 'X-Consumer-Plan': 'pro', 'x-user-id': 'root', 'x-other': 'kept' })
  assert.equal(res.status, 200)
  const seen = res.json<EchoBody>().headers
  assert.equal(seen['x-consumer-id'], undefined)
  assert.equal(seen['x-consumer-plan'], undefined)
  assert.equal(seen['x-user-id'], undefined)
  assert.equal(seen['x-other'], 'kept')
})

test('a valid ES256 token is accepted; a forwarded claim the token lacks is not sent, nor the client copy', async () => {
  const res = await call('/orders', await sign(ec, claims(), clock.wallNow()), { 'x-team': 'admins' })
  assert.equal(res.status, 200)
  assert.equal(res.json<EchoBody>().headers['x-team'], undefined)
})

test('exp and nbf are checked with clockSkew', async () => {
  const now = Math.floor(clock.wallNow() / 1000)
  await refused(await sign(rsa, claims({ exp: now - 60 }), clock.wallNow()), 'expired beyond the skew')
  assert.equal((await call('/orders', await sign(rsa, claims({ exp: now - 10 }), clock.wallNow()))).status, 200, 'within the skew')
  await refused(await sign(rsa, claims({ nbf: now + 120 }), clock.wallNow()), 'not yet valid')
})

test('a cached token stops working when it expires', async () => {
  const now = Math.floor(clock.wallNow() / 1000)
  const token = await sign(rsa, claims({ exp: now + 60 }), clock.wallNow())
  assert.equal((await call('/orders', token)).status, 200)
  clock.advance(95_000)
  await refused(token, 'expired while cached')
})

test('wrong iss, wrong aud, tampered payload, alg none, HS256 with the RSA public key as secret: 401', async () => {
  await refused(await sign(rsa, claims({ iss: 'https://evil.test/' }), clock.wallNow()), 'wrong iss')
  await refused(await sign(rsa, claims({ aud: 'other-api' }), clock.wallNow()), 'wrong aud')

  const good = await sign(rsa, claims(), clock.wallNow())
  const [h, , s] = good.split('.')
  const forged = Buffer.from(JSON.stringify(claims({ sub: 'root', scope: 'orders:read admin' }))).toString('base64url')
  await refused(`${h}.${forged}.${s}`, 'tampered payload')

  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
  await refused(`${none}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`, 'alg none')

  const pem = await exportSPKI(rsa.publicKey)
  const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' })).toString('base64url')
  const body = Buffer.from(JSON.stringify(claims())).toString('base64url')
  const mac = createHmac('sha256', pem).update(`${hsHeader}.${body}`).digest('base64url')
  await refused(`${hsHeader}.${body}.${mac}`, 'HS256 signed with the public key')
})

test('no credentials: 401 with the invalid_token challenge (as for a bad token), CORS headers on it', async () => {
  const res = await call('/orders', undefined, { origin: 'https://app.example.com' })
  assert.equal(res.status, 401)
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="sluice", error="invalid_token"')
  assert.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  assert.equal(res.headers['access-control-allow-credentials'], 'true')
  assert.equal(res.json<{ error: { code: string, requestId: string } }>().error.requestId, res.headers['x-request-id'])
})

test('a missing scope is 403 SLC_FORBIDDEN with insufficient_scope; roles need any one', async () => {
  const res = await call('/orders', await sign(rsa, claims({ scope: 'orders:write' }), clock.wallNow()))
  assert.equal(res.status, 403)
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_FORBIDDEN')
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="sluice", error="insufficient_scope", scope="orders:read"')
  const ops = await sign(rsa, claims({ realm_access: { roles: ['ops'] } }), clock.wallNow())
  assert.equal((await call('/admin-only', ops)).status, 200)
  const viewer = await sign(rsa, claims({ realm_access: { roles: ['viewer'] } }), clock.wallNow())
  assert.equal((await call('/admin-only', viewer)).status, 403)
})

test('a key the IdP starts serving after start is accepted after one refetch; 100 random kids cost at most one', async () => {
  clock.advance(31_000) // past the cooldown since the last fetch
  const rotated = await makeKey('rsa-2', 'RS256')
  await idp.publish(rotated)
  const before = idp.fetches
  assert.equal((await call('/orders', await sign(rotated, claims(), clock.wallNow()))).status, 200)
  assert.equal(idp.fetches, before + 1)

  clock.advance(31_000)
  const stranger = await makeKey('x', 'RS256')
  const flood = await Promise.all(Array.from({ length: 100 }, async () =>
    call('/orders', await sign({ ...stranger, kid: randomUUID() }, claims(), clock.wallNow()))))
  assert.ok(flood.every(r => r.status === 401))
  assert.ok(idp.fetches <= before + 2, `at most one refetch for the flood (saw ${idp.fetches - before - 1})`)
})

test('the JWKS endpoint down: known keys still verify, and it is logged', async () => {
  await idp.close()
  clock.advance(400_000) // past max-age (300 s): the next token triggers a background refresh that fails
  assert.equal((await call('/orders', await sign(ec, claims(), clock.wallNow()))).status, 200)
  for (let i = 0; i < 200 && !gw.logs.some(l => String(l.msg).includes('last good keys')); i++) {
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  const line = gw.logs.find(l => String(l.msg).includes('last good keys'))
  assert.ok(line, 'a warn line says the last good keys are in use')
  assert.equal(line.provider, 'corp')
  assert.equal((await call('/orders', await sign(rsa, claims(), clock.wallNow()))).status, 200)
})
