import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { freePort } from '../helpers/free-port.js'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { closed, startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let gw: TestGateway
let deadPort: number
const clock = new ManualClock()

before(async () => {
  up = await startUpstream('up')
  deadPort = await freePort()
  gw = await startGateway(`
server: { port: 0, maxHeaderSize: 2kb }
upstreams:
  up:
    targets: [{ url: ${up.url} }]
    timeouts: { response: 5s, idle: 300ms }
  # One try: these tests check how a single failure is answered (retries: upstream-retry.test.ts).
  dead: { targets: [{ url: http://127.0.0.1:${deadPort} }], retry: { attempts: 1 } }
  gone: { targets: [{ url: ${up.url} }, { url: http://127.0.0.1:${deadPort} }] }
routes:
  - { name: up, match: { path: /up }, upstream: up }
  - { name: dead, match: { path: /dead }, upstream: dead }
  - { name: gone, match: { path: /gone }, upstream: gone }
`, { clock })
})

after(async () => {
  await gw.close()
  await up.close()
})

type ErrorBody = { error: { code: string, message: string, requestId: string } }

async function expectError (
  path: string, status: number, code: string, headers: Record<string, string> = {}, flag?: string
): Promise<void> {
  const n = gw.access().length
  const r = await send(gw.url, path, { headers: { 'x-request-id': `t-${code}`, ...headers } })
  assert.equal(r.status, status, r.body)
  const body = r.json<ErrorBody>()
  assert.equal(body.error.code, code)
  assert.equal(body.error.requestId, `t-${code}`)
  assert.equal(r.headers['x-request-id'], `t-${code}`)
  assert.equal(r.headers['content-type'], 'application/json; charset=utf-8')
  assert.ok(!body.error.message.includes('127.0.0.1'), 'no internals in 5xx messages')
  if (flag !== undefined) assert.equal((await gw.lastAccess(n + 1)).flags, flag)
}

test('connection refused → 502 SLC_BAD_GATEWAY (UF)', async () => {
  await expectError('/dead', 502, 'SLC_BAD_GATEWAY', {}, 'UF')
})

test('connection reset → 502 SLC_BAD_GATEWAY (UR)', async () => {
  await expectError('/up', 502, 'SLC_BAD_GATEWAY', { 'x-mode': 'reset' }, 'UR')
})

test('invalid status line → 502 SLC_BAD_GATEWAY (UP)', async () => {
  await expectError('/up', 502, 'SLC_BAD_GATEWAY', { 'x-mode': 'invalid' }, 'UP')
})

test('response timeout → 504, and the upstream socket is closed afterwards', { timeout: 30_000 }, async () => {
  const n = gw.access().length
  const pending = send(gw.url, '/up', { headers: { 'x-mode': 'hold', 'x-request-id': 'slow' } })
  await up.waitForHeld(1)
  const socket = up.heldSocket!
  assert.equal(socket.destroyed, false)
  clock.advance(4999)
  await new Promise(resolve => setImmediate(resolve))
  assert.equal(gw.access().length, n, 'not yet timed out')
  clock.advance(1)
  const r = await pending
  assert.equal(r.status, 504)
  assert.equal(r.json<ErrorBody>().error.code, 'SLC_UPSTREAM_TIMEOUT')
  assert.equal((await gw.lastAccess(n + 1)).flags, 'UT')
  // The timed-out upstream request is aborted, its socket not leaked (a leak hangs here).
  await closed(socket)
  up.release()
})

test('no available target → 503 SLC_UPSTREAM_UNAVAILABLE (UH)', async () => {
  const targets = gw.gateway.snapshot.upstreams.get('gone')!.targets
  for (const t of targets) t.state.setDown(true)
  try {
    await expectError('/gone', 503, 'SLC_UPSTREAM_UNAVAILABLE', {}, 'UH')
  } finally {
    for (const t of targets) t.state.setDown(false)
  }
})

test('headers over maxHeaderSize → 431 JSON', async () => {
  const r = await send(gw.url, '/up', { headers: { 'x-big': 'x'.repeat(4000) } })
  assert.equal(r.status, 431)
  const body = r.json<ErrorBody>()
  assert.equal(body.error.code, 'SLC_HEADERS_TOO_LARGE')
  assert.equal(body.error.requestId, r.headers['x-request-id'])
})

test('a malformed request → 400 JSON', async () => {
  const text = await new Promise<string>((resolve, reject) => {
    const s = connect(gw.port, '127.0.0.1', () => s.write('GARBAGE\r\n\r\n'))
    let out = ''
    s.on('data', d => { out += String(d) })
    s.on('end', () => resolve(out))
    s.on('error', reject)
  })
  assert.match(text, /^HTTP\/1.1 400 /)
  assert.match(text, /"code":"SLC_BAD_REQUEST"/)
})

test('a body that stalls upstream is cut by timeouts.idle; the client sees a truncated response', async () => {
  const n = gw.access().length
  await assert.rejects(send(gw.url, '/up', { headers: { 'x-mode': 'stall-body' } }))
  assert.equal((await gw.lastAccess(n + 1)).flags, 'SI')
})

test('a client that aborts mid-upload does not crash the gateway, and the upstream request is dropped', async () => {
  const n = gw.access().length
  await new Promise<void>((resolve) => {
    const s = connect(gw.port, '127.0.0.1', () => {
      s.write('POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n')
      s.write(Buffer.alloc(1000))
      setImmediate(() => { s.destroy(); resolve() })
    })
  })
  const line = await gw.lastAccess(n + 1)
  assert.ok(String(line.flags).includes('DC'), String(line.flags))
  const r = await send(gw.url, '/up')
  assert.equal(r.status, 200, 'still serving')
})

test('upstream 5xx statuses pass through untouched', async () => {
  const r = await send(gw.url, '/up', { headers: { 'x-mode': 'status:503' } })
  assert.equal(r.status, 503)
  assert.equal(r.json<{ name: string }>().name, 'up')
})

test('a local 404 to a bodiless request keeps the connection alive for the next request', async () => {
  const sock = connect(gw.port, '127.0.0.1')
  let got = ''
  sock.on('data', (c: Buffer) => { got += c.toString('latin1') })
  const answered = (n: number): Promise<void> => new Promise((resolve, reject) => {
    const check = (): void => {
      if ((got.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= n) { sock.off('data', check); resolve() }
    }
    sock.on('data', check)
    sock.once('close', () => reject(new Error(`socket closed after: ${got}`)))
    check()
  })
  try {
    sock.write('GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n')
    await answered(1)
    assert.doesNotMatch(got, /connection: close/i)
    sock.write('GET /up/again HTTP/1.1\r\nHost: x\r\n\r\n')
    await answered(2)
    assert.match(got, /HTTP\/1\.1 404[\s\S]*HTTP\/1\.1 200/)
  } finally {
    sock.destroy()
  }
})

test('the access log counts the bytes each request and response took on the wire', async () => {
  const n = gw.access().length
  const body = 'x'.repeat(1000)
  const r = await send(gw.url, '/up/bytes', { method: 'POST', body, headers: { 'content-type': 'text/plain' } })
  assert.equal(r.status, 200)
  const line = await gw.lastAccess(n + 1)
  const bytesIn = line.bytesIn as number
  assert.ok(bytesIn >= 1000 && bytesIn < 1400, `bytesIn ${bytesIn}: the body plus a small head`)
  assert.ok((line.bytesOut as number) >= r.body.length, `bytesOut ${String(line.bytesOut)}`)
})
