// Window algorithms and delay mode against real sockets, time on a ManualClock (its wall time is
// what windows are cut on): at a window boundary a fixed window admits 2N in a moment and a
// sliding one does not; delay mode lets a burst just over the rate through, each request after
// the wait for its own slot, refuses one far over it, frees a waiting request whose client left
// (its slot goes to the next one) and bounds how many wait at once.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { ManualClock } from '../../src/core/manual-clock.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { SendResult, TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'
import { until } from '../helpers/wait.js'

let up: TestUpstream
let gw: TestGateway
// Wall time 2026-01-01T00:00:00Z at 0: one-second windows start at every whole 1000.
const clock = new ManualClock()

const config = (algorithm = 'fixed-window'): string => `
server: { port: 0, trustedProxies: [127.0.0.1] }
rateLimiting: { maxDelayed: 6 }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes:
  - name: fixed
    match: { path: /fixed }
    upstream: a
    rateLimits: [{ name: w, requests: 5, per: 1s, algorithm: ${algorithm} }]
  - name: sliding
    match: { path: /sliding }
    upstream: a
    rateLimits: [{ name: w, requests: 5, per: 1s, algorithm: sliding-window }]
  - name: smooth
    match: { path: /smooth }
    upstream: a
    rateLimits: [{ name: paced, requests: 10, per: 1s, burst: 5, mode: delay, maxDelay: 500ms }]
`

before(async () => {
  up = await startUpstream('up')
  gw = await startGateway(config(), { clock })
})

after(async () => {
  await gw.close()
  await up.close()
})

const from = (ip: string): { headers: Record<string, string> } => ({ headers: { 'x-forwarded-for': ip } })

async function burst (path: string, ip: string, n: number): Promise<SendResult[]> {
  return Promise.all(Array.from({ length: n }, () => send(gw.url, path, from(ip))))
}
const passed = (rs: SendResult[]): number => rs.filter(r => r.status === 200).length

test('at a window boundary a fixed window admits 2N within 200ms; a sliding window admits no more', async () => {
  clock.advance(10_900 - clock.now())
  assert.equal(passed(await burst('/fixed', '10.1.0.1', 5)), 5)
  assert.equal(passed(await burst('/sliding', '10.1.0.1', 5)), 5)
  clock.advance(200) // 11 100: a new window; the previous one still covers 90% of the sliding window
  const fixed = await burst('/fixed', '10.1.0.1', 5)
  const sliding = await burst('/sliding', '10.1.0.1', 5)
  assert.equal(passed(fixed), 5, 'fixed: 10 requests within 200ms for a limit of 5 per second')
  assert.equal(passed(sliding), 0, 'sliding: 5 × 0.9 + 1 > 5')
  const refused = sliding[0]!
  assert.equal(refused.json<{ error: { code: string } }>().error.code, 'SLC_RATE_LIMITED')
  // 5 × (1 − e) + 1 <= 5 from e = 0.2, i.e. 11 200: 100ms on, rounded up to 1s; the counts have
  // all decayed at 12 000 (t = 1). Fixed's reset is the end of its window.
  assert.equal(refused.headers['retry-after'], '1')
  assert.equal(refused.headers.ratelimit, '"w";r=0;t=1')
  assert.equal(refused.headers['ratelimit-policy'], '"w";q=5;w=1')
  assert.equal(fixed[4]!.headers.ratelimit, '"w";r=0;t=1')
  clock.advance(100)
  assert.equal(passed(await burst('/sliding', '10.1.0.1', 2)), 1, 'at 11 200 exactly one more fits')
  clock.advance(2000)
})

async function decisions (result: string): Promise<number> {
  const text = await gw.gateway.metrics.registry.metrics()
  const m = new RegExp(`sluice_rate_limit_decisions_total\\{route="smooth",limit="paced",result="${result}"\\} (\\d+)`).exec(text)
  return m === null ? 0 : Number(m[1])
}

test('delay mode: a burst just over the rate all passes, each request after its own slot; far over it, 429', async () => {
  const start = clock.now()
  const doneAt: number[] = []
  const results = Array.from({ length: 10 }, () => send(gw.url, '/smooth', from('10.2.0.1')).then((r) => {
    doneAt.push(clock.now() - start)
    return r
  }))
  // The burst of 5 passes at once; the next 5 wait 100, 200 … 500ms for their slots.
  await until('the burst', () => doneAt.length === 5)
  await until('5 waiting', async () => await decisions('delayed') === 5)
  for (let i = 1; i <= 5; i++) {
    await clock.tick(100)
    await until(`slot ${i}`, () => doneAt.length === 5 + i)
  }
  const all = await Promise.all(results)
  assert.deepEqual(all.map(r => r.status), Array(10).fill(200))
  assert.deepEqual(doneAt, [0, 0, 0, 0, 0, 100, 200, 300, 400, 500])
  assert.equal(await decisions('allowed'), 5)

  // Far over: 20 at once, with the bucket full again. 5 now + 5 within maxDelay; the rest 429.
  clock.advance(1000)
  const far = Array.from({ length: 20 }, () => send(gw.url, '/smooth', from('10.2.0.2')))
  await until('all 20 decided', async () => await decisions('delayed') === 10 && await decisions('rejected') === 10)
  await clock.tick(500, 100)
  const farAll = await Promise.all(far)
  assert.equal(passed(farAll), 10)
  const refused = farAll.filter(r => r.status === 429)
  assert.equal(refused.length, 10)
  for (const r of refused) assert.equal(r.headers['retry-after'], '1', 'the next slot is 600ms away: beyond maxDelay')
  clock.advance(1000)
})

test('delay mode: a client that leaves while waiting is freed and its slot goes to the next request', async () => {
  await burst('/smooth', '10.3.0.1', 5)
  const delayed = await decisions('delayed')
  const upstreamBefore = up.requests
  const leaving = connect(gw.port, '127.0.0.1', () => {
    leaving.write('GET /smooth HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.3.0.1\r\n\r\n')
  })
  leaving.on('error', () => {})
  await until('the request waits for its 100ms slot', async () => await decisions('delayed') === delayed + 1)
  // A reset, not a FIN: a half-closed client still gets its answer (docs/timeouts.md).
  leaving.resetAndDestroy()
  await until('the gateway saw the client leave', () => gw.access().some(l => l.status === 499))
  await new Promise(resolve => setImmediate(resolve))
  // Had the slot not been given back, the next request's would be 200ms away.
  let done = false
  const next = send(gw.url, '/smooth', from('10.3.0.1')).then((r) => { done = true; return r })
  await until('the next request waits', async () => await decisions('delayed') === delayed + 2)
  await clock.tick(100)
  await until('the next request passes after 100ms', () => done)
  assert.equal((await next).status, 200)
  assert.equal(up.requests - upstreamBefore, 1, 'the request that left never reached the upstream')
  clock.advance(2000)
})

test('delay mode: at most rateLimiting.maxDelayed requests wait; beyond, delay-mode limits refuse', async () => {
  await burst('/smooth', '10.4.0.1', 5)
  const delayed = await decisions('delayed')
  // 5 slots are within maxDelay, but only 6 requests may wait in the process at once: fill it
  // from another client first, then the next client's over-rate requests are refused.
  const waiting = burst('/smooth', '10.4.0.2', 11)
  await until('6 waiting', async () => await decisions('delayed') === delayed + 5)
  // The first takes the last place and waits 100ms; the other two find the room full: 429 at once.
  const statuses: number[] = []
  const more = Array.from({ length: 3 }, () => send(gw.url, '/smooth', from('10.4.0.1')).then((r) => { statuses.push(r.status); return r }))
  await until('two refused at once', () => statuses.length === 2)
  assert.deepEqual(statuses, [429, 429])
  await clock.tick(500, 100)
  await Promise.all(more)
  assert.deepEqual(statuses, [429, 429, 200])
  assert.equal(passed(await waiting), 10)
  clock.advance(2000)
})

test('a reload keeps an unchanged window counter and starts afresh when the algorithm changes', async () => {
  clock.advance(1900 - (clock.now() % 1000)) // 100ms before a boundary: the test stays in one window
  assert.equal(passed(await burst('/fixed', '10.5.0.1', 6)), 5)
  assert.equal((await gw.reload(config() + '\n# touched\n')).ok, true)
  assert.equal((await send(gw.url, '/fixed', from('10.5.0.1'))).status, 429, 'same limit: still spent')
  assert.equal((await gw.reload(config('sliding-window'))).ok, true)
  assert.equal((await send(gw.url, '/fixed', from('10.5.0.1'))).status, 200, 'another algorithm: a new counter')
  assert.equal((await gw.reload(config())).ok, true)
  clock.advance(2000)
})
