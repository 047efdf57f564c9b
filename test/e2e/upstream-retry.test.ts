// Issue 8's retry acceptance, end to end: a real gateway in front of real upstream servers that
// reset, refuse, stall and fail. `random: () => 0` makes the `random` balancer pick the first
// target and every full-jitter backoff 0 ms, so the first try's target is known; the tests that
// depend on time (budget window, per-try timeout, Retry-After) run on the ManualClock.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Counter } from 'prom-client'
import { ManualClock } from '../../src/core/manual-clock.js'
import { freePort } from '../helpers/free-port.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { EchoBody, TestUpstream } from '../helpers/upstream.js'
import { until, within } from '../helpers/wait.js'

const cleanup: Array<() => Promise<unknown>> = []
after(async () => { for (const f of cleanup.reverse()) await f() })

interface Counted { url: string, requests: number }

/** A server run by `handler`, counting the requests it receives. */
async function server (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Counted> {
  const counted = { url: '', requests: 0 }
  const s: Server = createServer((req, res) => { counted.requests++; handler(req, res) })
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => { s.closeAllConnections(); return new Promise(resolve => s.close(resolve)) })
  counted.url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  return counted
}

/** Reads the whole request body, then breaks the connection without answering. */
const resetAfterBody = () => server((req) => { req.resume(); req.on('end', () => req.socket.destroy()) })

async function live (name: string): Promise<TestUpstream> {
  const up = await startUpstream(name)
  cleanup.push(() => up.close())
  return up
}

async function gateway (yaml: string, clock?: ManualClock): Promise<TestGateway> {
  const gw = await startGateway(yaml, { clock, random: () => 0 })
  cleanup.push(() => gw.close())
  return gw
}

async function count (c: Counter<string>, labels: Record<string, string>): Promise<number> {
  const { values } = await c.get()
  const matching = values.filter(v => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
  return matching.reduce((n, v) => n + v.value, 0)
}

/** Lets the gateway's timers that are due now (0 ms backoffs) fire until `p` settles. */
async function drive<T> (p: Promise<T>, clock: ManualClock): Promise<T> {
  const state = { done: false }
  p.then(() => { state.done = true }, () => { state.done = true })
  for (let i = 0; i < 5000 && !state.done; i++) {
    clock.advance(0)
    await new Promise(resolve => setTimeout(resolve, 1))
  }
  return p
}

let gw: TestGateway
let resetter: Counted
let bigReset: Counted & { firstBytesAt: Promise<void> }
let second: TestUpstream
let deadPort: number

before(async () => {
  resetter = await resetAfterBody()
  second = await live('second')
  deadPort = await freePort()
  let gotBytes!: () => void
  const firstBytesAt = new Promise<void>(resolve => { gotBytes = resolve })
  let seen = 0
  const s = await server((req) => {
    req.on('data', (c: Buffer) => {
      if (seen === 0) gotBytes()
      seen += c.length
      if (seen >= 512 * 1024) req.socket.destroy()
    })
  })
  bigReset = Object.assign(s, { firstBytesAt })
  gw = await gateway(`
upstreams:
  resetting:
    balancer: random
    targets: [{ url: ${resetter.url} }, { url: ${second.url} }]
    retry: { attempts: 2, on: [connect-failure, reset] }
  refusing:
    balancer: random
    targets: [{ url: http://127.0.0.1:${deadPort} }, { url: ${second.url} }]
  big:
    balancer: random
    targets: [{ url: ${bigReset.url} }, { url: ${second.url} }]
    retry: { bufferBody: 64kb }
routes:
  - { name: resetting, match: { path: /resetting }, upstream: resetting }
  - { name: refusing, match: { path: /refusing }, upstream: refusing }
  - { name: big, match: { path: /big }, upstream: big }
`)
})

test('a POST without Idempotency-Key to a target that resets after reading the body: 502, sent once', async () => {
  const before = { reset: resetter.requests, second: second.requests }
  const n = gw.access().length
  const r = await send(gw.url, '/resetting', { method: 'POST', body: 'order=1' })
  assert.equal(r.status, 502, r.body)
  assert.equal(r.json<{ error: { code: string } }>().error.code, 'SLC_BAD_GATEWAY')
  assert.equal(resetter.requests - before.reset, 1)
  assert.equal(second.requests - before.second, 0, 'never resent')
  assert.equal(await count(gw.gateway.metrics.upstreamRetriesAbandoned, { upstream: 'resetting', reason: 'method' }), 1)
  assert.equal((await gw.lastAccess(n + 1)).flags, 'UR')
})

test('the same POST with an Idempotency-Key is retried on the other target, body and all, and succeeds', async () => {
  const before = { reset: resetter.requests, second: second.requests }
  const retries = await count(gw.gateway.metrics.upstreamRetries, { upstream: 'resetting', reason: 'reset' })
  const n = gw.access().length
  const r = await send(gw.url, '/resetting', { method: 'POST', headers: { 'idempotency-key': 'k-1' }, body: 'order=2' })
  assert.equal(r.status, 200, r.body)
  const echo = r.json<EchoBody>()
  assert.equal(echo.name, 'second')
  assert.equal(echo.bodyLength, 'order=2'.length)
  assert.equal(resetter.requests - before.reset, 1)
  assert.equal(second.requests - before.second, 1)
  assert.equal(await count(gw.gateway.metrics.upstreamRetries, { upstream: 'resetting', reason: 'reset' }), retries + 1)
  assert.equal((await gw.lastAccess(n + 1)).flags, 'UR,RT', 'the first try\'s reset, then the retry')
})

test('a refused connection is retried for any method, with no retry block (the default)', async () => {
  for (const [method, body] of [['POST', 'x'], ['PATCH', ['x', 'y']], ['GET', undefined]] as const) {
    const n = gw.access().length
    const r = await send(gw.url, '/refusing', { method, body: body === undefined ? undefined : [...body] })
    assert.equal(r.status, 200, `${method}: ${r.body}`)
    assert.equal(r.json<EchoBody>().name, 'second')
    // Streamed (no retry after sending is configured, so nothing is buffered): a refused connection never read it.
    assert.equal(r.json<EchoBody>().bodyLength, body?.length ?? 0, 'the body is sent whole')
    assert.deepEqual(String((await gw.lastAccess(n + 1)).flags).split(','), ['UF', 'RT'])
  }
  assert.equal(await count(gw.gateway.metrics.upstreamRetries, { upstream: 'refusing', reason: 'connect-failure' }), 3)
})

test('a 10 MiB POST past bufferBody streams through unbuffered: not retried, 502, counted abandoned and logged', { timeout: 30_000 }, async () => {
  const total = 10 * 1024 * 1024
  const chunk = Buffer.alloc(64 * 1024, 'b')
  const secondBefore = second.requests
  let sent = 0
  const res = new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${gw.url}/big`, {
      method: 'POST',
      agent: false,
      headers: { 'content-length': String(total), 'idempotency-key': 'k-big', 'x-request-id': 'big-1' },
    }, (r) => { r.resume(); r.on('close', () => resolve(r.statusCode!)) })
    // The gateway answers while the upload is still going, then closes; the client's later writes
    // may fail. Closing with the upload's bytes unread can reset the connection before the client
    // has read the 502 (no lingering close yet): then there is no answer at all, recorded as 0.
    req.on('error', (err) => { if (!req.writableEnded) return; reject(err) })
    req.on('close', () => resolve(0))
    const write = async (): Promise<void> => {
      // 1 MiB first, then wait for the target to see bytes: were the body buffered, it never would.
      while (sent < 1024 * 1024) { req.write(chunk); sent += chunk.length }
      await within(bigReset.firstBytesAt, 10_000, 'the target receiving the body while the client is still sending it')
      assert.ok(sent <= 1024 * 1024)
      while (sent < total && !req.destroyed) {
        sent += chunk.length
        if (!req.write(chunk)) await new Promise(resolve => req.once('drain', resolve))
      }
      req.end()
    }
    write().catch(reject)
  })
  const status = await res
  assert.ok(status === 502 || status === 0, `502, or a reset before the answer was read: got ${status}`)
  assert.equal(bigReset.requests, 1)
  assert.equal(second.requests, secondBefore, 'not retried')
  assert.equal(await count(gw.gateway.metrics.upstreamRetriesAbandoned, { upstream: 'big', reason: 'body' }), 1)
  const warn = gw.logs.find(l => typeof l.msg === 'string' && l.msg.startsWith('retry abandoned') && l.reqId === 'big-1')
  assert.ok(warn !== undefined, 'a warning names the request')
  assert.equal(warn.level, 40)
  assert.equal(warn.reason, 'body')
  assert.equal(warn.failure, 'reset')
})

test('with every target failing, retries stay within the budget (counted at the upstreams)', async () => {
  const clock = new ManualClock()
  const a = await server((_req, res) => { res.writeHead(503).end() })
  const b = await server((_req, res) => { res.writeHead(503).end() })
  const g = await gateway(`
upstreams:
  down:
    balancer: random
    targets: [{ url: ${a.url} }, { url: ${b.url} }]
    retry: { attempts: 3, budget: { ratio: 0.2, minPerSecond: 0 } }
routes:
  - { name: down, match: { path: / }, upstream: down }
`, clock)
  for (let i = 0; i < 50; i++) {
    const r = await drive(send(g.url, '/'), clock)
    assert.equal(r.status, 503)
  }
  // Without a budget: 150 tries. With 20 %: the 50 first tries and one retry per five requests.
  assert.equal(a.requests + b.requests, 60)
  assert.equal(await count(g.gateway.metrics.upstreamRetries, { upstream: 'down', reason: '503' }), 10)
  assert.equal(await count(g.gateway.metrics.upstreamRetriesAbandoned, { upstream: 'down', reason: 'budget' }), 50)
})

test('a try that times out (perTryTimeout, on the clock) is retried on the other target', async () => {
  const clock = new ManualClock()
  const silent = await server(() => {})
  const ok = await live('ok')
  const g = await gateway(`
upstreams:
  slow:
    balancer: random
    targets: [{ url: ${silent.url} }, { url: ${ok.url} }]
    timeouts: { response: 30s }
    retry: { on: [timeout], perTryTimeout: 1s }
routes:
  - { name: slow, match: { path: / }, upstream: slow }
`, clock)
  const p = send(g.url, '/')
  await until('the first try to reach the silent target', () => silent.requests === 1)
  await clock.tick(999)
  assert.equal(ok.requests, 0)
  await clock.tick(1)
  const r = await drive(p, clock)
  assert.equal(r.status, 200, r.body)
  assert.equal(r.json<EchoBody>().name, 'ok')
  assert.equal(await count(g.gateway.metrics.upstreamRetries, { upstream: 'slow', reason: 'timeout' }), 1)
})

test('an upstream Retry-After is honoured up to its cap (4 × backoff.max) before the retry', async () => {
  const clock = new ManualClock()
  let hint = '2'
  const busy = await server((req, res) => { req.resume(); res.writeHead(503, { 'retry-after': hint }).end() })
  const ok = await live('ok2')
  const g = await gateway(`
upstreams:
  busy:
    balancer: random
    targets: [{ url: ${busy.url} }, { url: ${ok.url} }]
    retry: { on: [503], backoff: { base: 10ms, max: 1s } }
routes:
  - { name: busy, match: { path: / }, upstream: busy }
`, clock)
  const retried = (n: number) => async () => await count(g.gateway.metrics.upstreamRetries, { upstream: 'busy' }) === n
  for (const [value, waitMs, n] of [['2', 2000, 1], ['3600', 4000, 2]] as const) {
    hint = value
    const p = send(g.url, '/')
    await until(`the retry after Retry-After: ${value} to be scheduled`, retried(n))
    await clock.tick(waitMs - 1)
    // Were the hint ignored, the retry (0 ms backoff) would already be on its way: give it time to land.
    await new Promise(resolve => setTimeout(resolve, 100))
    assert.equal(ok.requests, n - 1, `Retry-After: ${value}: not before ${waitMs} ms`)
    await clock.tick(1)
    const r = await drive(p, clock)
    assert.equal(r.status, 200, r.body)
    assert.equal(ok.requests, n)
  }
})
