// Templates over a real consumer: a JWT verified by the authentication stage (HS256 with a shared
// secret), the consumer looked up in the `consumers` block, and the request transform (which runs
// after authentication) sending its id, plan, metadata and a nested claim to the upstream.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { SignJWT } from 'jose'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startRecordingUpstream } from '../helpers/recording-upstream.js'
import type { RecordingUpstream } from '../helpers/recording-upstream.js'

const ISS = 'https://idp.test/'
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!'
let up: RecordingUpstream
let gw: TestGateway

before(async () => {
  up = await startRecordingUpstream()
  gw = await startGateway(`
consumers:
  acme: { plan: pro, metadata: { team: payments } }
auth:
  jwt:
    - { name: corp, issuer: "${ISS}", secret: "${SECRET}", algorithms: [HS256] }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - name: orders
    match: { path: /orders }
    upstream: a
    auth: { methods: [jwt] }
    transform:
      request:
        headers:
          set:
            x-consumer: "\${consumer.id}/\${consumer.plan}"
            x-tenant: "\${consumer.metadata.team}"
            x-org: "\${claim.org.id}"
        json: { set: { "/placedBy": "\${consumer.id}" } }
`)
})

after(async () => {
  await gw.close()
  await up.close()
})

function token (claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISS).setSubject('acme')
    .setExpirationTime('5m').sign(new TextEncoder().encode(SECRET))
}

test('consumer id, plan, metadata and claims reach the upstream through templates', async () => {
  const res = await send(gw.url, '/orders', {
    method: 'POST',
    headers: { authorization: `Bearer ${await token({ org: { id: 'o-9' } })}`, 'content-type': 'application/json' },
    body: '{"item":1}',
  })
  assert.equal(res.status, 200)
  const got = up.last()
  assert.equal(got.headers['x-consumer'], 'acme/pro')
  assert.equal(got.headers['x-tenant'], 'payments')
  assert.equal(got.headers['x-org'], 'o-9')
  assert.deepEqual(JSON.parse(got.body.toString()), { item: 1, placedBy: 'acme' })
})

test('a request refused by authentication never reaches the transform or the upstream', async () => {
  const before = up.received.length
  const res = await send(gw.url, '/orders')
  assert.equal(res.status, 401)
  assert.equal(up.received.length, before)
})
