// Address and scheme claims (X-Forwarded-*, Forwarded, X-Real-IP, CDN client-IP headers) against a
// real upstream that echoes what it received: an untrusted client cannot put any of them in front
// of the upstream, a trusted proxy's are kept.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { EchoBody, TestUpstream } from '../helpers/upstream.js'

/** Every header a client might use to claim another address, scheme, host, port or prefix. */
const CLAIMS: Record<string, string> = {
  forwarded: 'for=6.6.6.6;proto=https;host=evil.test',
  'x-real-ip': '6.6.6.6',
  'x-forwarded-port': '443',
  'x-forwarded-prefix': '/admin',
  'x-forwarded-ssl': 'on',
  'x-forwarded-scheme': 'https',
  'x-forwarded-server': 'evil.test',
  'x-url-scheme': 'https',
  'front-end-https': 'on',
  'x-forwarded': 'for=6.6.6.6',
  'forwarded-for': '6.6.6.6',
  'x-original-forwarded-for': '6.6.6.6',
  'x-client-ip': '6.6.6.6',
  'x-cluster-client-ip': '6.6.6.6',
  'cf-connecting-ip': '6.6.6.6',
  'cf-connecting-ipv6': '2001:db8::6',
  'true-client-ip': '6.6.6.6',
  'fastly-client-ip': '6.6.6.6',
  'x-azure-clientip': '6.6.6.6',
  'x-azure-socketip': '6.6.6.6',
  'x-envoy-external-address': '6.6.6.6',
}

let up: TestUpstream
let open: TestGateway
let behindProxy: TestGateway

before(async () => {
  up = await startUpstream('up')
  const body = `
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes: [{ name: all, match: { path: / }, upstream: a }]
`
  open = await startGateway(body)
  behindProxy = await startGateway(`server: { port: 0, trustedProxies: [127.0.0.1] }\n${body}`)
})

after(async () => {
  await Promise.all([open.close(), behindProxy.close()])
  await up.close()
})

async function echoed (gw: TestGateway, headers: Record<string, string> | string[]): Promise<EchoBody> {
  const r = await send(gw.url, '/x', { headers })
  assert.equal(r.status, 200)
  return r.json<EchoBody>()
}

describe('from an untrusted client', () => {
  test('no address, scheme or prefix claim reaches the upstream', async () => {
    const e = await echoed(open, { ...CLAIMS, 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.test' })
    for (const name of Object.keys(CLAIMS)) assert.equal(e.headers[name], undefined, name)
    assert.equal(e.headers['x-forwarded-for'], '127.0.0.1')
    assert.equal(e.headers['x-forwarded-proto'], 'http')
    assert.notEqual(e.headers['x-forwarded-host'], 'evil.test')
  })

  test('mixed-case and repeated lines are dropped as well', async () => {
    const e = await echoed(open, ['X-Real-IP', '6.6.6.6', 'x-real-ip', '7.7.7.7', 'FORWARDED', 'for=6.6.6.6', 'True-Client-IP', '6.6.6.6'])
    assert.equal(e.headers['x-real-ip'], undefined)
    assert.equal(e.headers.forwarded, undefined)
    assert.equal(e.headers['true-client-ip'], undefined)
  })

  test('the gateway does not start a Forwarded chain of its own', async () => {
    const e = await echoed(open, {})
    assert.equal(e.headers.forwarded, undefined)
  })
})

describe('from a trusted proxy', () => {
  test('its claims reach the upstream as sent', async () => {
    const e = await echoed(behindProxy, CLAIMS)
    for (const [name, value] of Object.entries(CLAIMS)) {
      if (name !== 'forwarded') assert.equal(e.headers[name], value, name)
    }
  })

  test('its Forwarded chain is extended with this hop, like X-Forwarded-For', async () => {
    const e = await echoed(behindProxy, ['Forwarded', 'for=6.6.6.6;proto=https', 'Forwarded', 'for="[2001:db8::1]"', 'X-Forwarded-For', '6.6.6.6, 2001:db8::1'])
    assert.equal(e.headers.forwarded, 'for=6.6.6.6;proto=https, for="[2001:db8::1]", for=127.0.0.1;proto=http')
    assert.equal(e.headers['x-forwarded-for'], '6.6.6.6, 2001:db8::1, 127.0.0.1')
  })

  test('a header its Connection field names is still hop-by-hop', async () => {
    const e = await echoed(behindProxy, ['Connection', 'X-Real-IP', 'X-Real-IP', '6.6.6.6', 'True-Client-IP', '6.6.6.6'])
    assert.equal(e.headers['x-real-ip'], undefined)
    assert.equal(e.headers['true-client-ip'], '6.6.6.6')
  })
})

describe('the resolved client address and scheme drive the balancers', () => {
  let x: TestUpstream, y: TestUpstream
  let gw: TestGateway

  before(async () => {
    [x, y] = await Promise.all([startUpstream('x'), startUpstream('y')])
    const two = `[{ url: ${x.url} }, { url: ${y.url} }]`
    gw = await startGateway(`server: { port: 0, trustedProxies: [127.0.0.1] }
upstreams:
  byIp: { balancer: consistent-hash, hashOn: ip, targets: ${two} }
  sticky: { affinity: { cookie: pin }, targets: ${two} }
routes:
  - { name: ip, match: { path: /ip }, upstream: byIp }
  - { name: sticky, match: { path: /sticky }, upstream: sticky }
`)
  })

  after(async () => {
    await gw.close()
    await Promise.all([x.close(), y.close()])
  })

  test('hashOn: ip hashes the client a trusted proxy names, not the proxy', async () => {
    const seen = new Map<string, string>()
    for (let i = 1; i <= 24; i++) {
      const client = `198.51.100.${i}`
      const r = await send(gw.url, '/ip', { headers: { 'x-forwarded-for': `6.6.6.6, ${client}` } })
      seen.set(client, r.headers['x-upstream'] as string)
    }
    const counts = [...seen.values()].reduce((n, u) => ({ ...n, [u]: (n[u] ?? 0) + 1 }), {} as Record<string, number>)
    assert.ok((counts.x ?? 0) > 0 && (counts.y ?? 0) > 0, `every client went to one target: ${JSON.stringify(counts)}`)
    // The same client keeps its target, whatever it writes left of the proxy's entry.
    for (const [client, upstream] of [...seen].slice(0, 6)) {
      const r = await send(gw.url, '/ip', { headers: { 'x-forwarded-for': `7.7.7.7, ${client}` } })
      assert.equal(r.headers['x-upstream'], upstream, client)
    }
  })

  test('the affinity cookie is Secure when the client-facing scheme is https', async () => {
    const viaProxy = await send(gw.url, '/sticky', { headers: { 'x-forwarded-proto': 'https' } })
    assert.match(String(viaProxy.headers['set-cookie']), /^pin=[\w-]{22}; .*; Secure$/)
    const plain = await send(gw.url, '/sticky')
    assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/)
  })

  test('an untrusted client\'s claim of https does not make the cookie Secure', async () => {
    const direct = await startGateway(`
upstreams: { sticky: { affinity: { cookie: pin }, targets: [{ url: ${x.url} }] } }
routes: [{ name: sticky, match: { path: / }, upstream: sticky }]
`)
    try {
      const r = await send(direct.url, '/', { headers: { 'x-forwarded-proto': 'https' } })
      assert.match(String(r.headers['set-cookie']), /^pin=/)
      assert.doesNotMatch(String(r.headers['set-cookie']), /Secure/)
    } finally {
      await direct.close()
    }
  })
})
