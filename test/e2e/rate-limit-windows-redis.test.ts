// Window algorithms and quotas on the Redis store, end to end, on Redis TIME (the real clock): two
// gateways on one Redis share a daily quota exactly, and its refusal is SLC_QUOTA_EXCEEDED with
// Retry-After and RateLimit's t counting to the next 00:00 UTC by Redis's clock; a sliding window
// and a fixed window are shared exactly too. (src/core/limiter/redis-parity.test.ts replays exact
// boundaries, delays and refunds against both stores.)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { REDIS_SKIP_REASON, startRedis } from '../helpers/redis-server.js'
import type { RedisServer } from '../helpers/redis-server.js'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let redis: RedisServer | undefined
let up: TestUpstream
const gws: TestGateway[] = []
const DAY = 86_400_000

before(async () => {
  redis = await startRedis()
  if (redis === undefined) return
  // A test that straddled an hour (00:00 UTC among them) would see windows reset halfway: start
  // after it instead.
  const toHour = 3_600_000 - (Date.now() % 3_600_000)
  if (toHour < 15_000) await new Promise(resolve => setTimeout(resolve, toHour + 1000))
  up = await startUpstream('up')
  const yaml = `
server: { port: 0, trustedProxies: [127.0.0.1] }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
rateLimiting:
  store: { type: redis, url: ${redis.url}, onStoreError: deny }
routes:
  - { name: quota, match: { path: /quota }, upstream: a, rateLimits: [{ name: daily, requests: 4, per: 1d, quota: true }] }
  - { name: sliding, match: { path: /sliding }, upstream: a, rateLimits: [{ name: s, requests: 5, per: 1h, algorithm: sliding-window }] }
  - { name: fixed, match: { path: /fixed }, upstream: a, rateLimits: [{ name: f, requests: 6, per: 1h, algorithm: fixed-window }] }
`
  gws.push(await startGateway(yaml), await startGateway(yaml))
})

after(async () => {
  for (const gw of gws) await gw.close()
  await up?.close()
  await redis?.stop()
})

const from = (ip: string): { headers: Record<string, string> } => ({ headers: { 'x-forwarded-for': ip } })

async function alternate (path: string, n: number): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) statuses.push((await send(gws[i % 2]!.url, path, from('10.7.0.1'))).status)
  return statuses
}

test('a daily quota shared by two gateways: exactly 4 pass, then SLC_QUOTA_EXCEEDED until 00:00 UTC', async (t) => {
  if (redis === undefined) {
    t.skip(REDIS_SKIP_REASON)
    return
  }
  assert.deepEqual(await alternate('/quota', 4), [200, 200, 200, 200])
  const res = await send(gws[1]!.url, '/quota', from('10.7.0.1'))
  assert.equal(res.status, 429)
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'SLC_QUOTA_EXCEEDED')
  const toMidnight = Math.ceil((DAY - (Date.now() % DAY)) / 1000)
  const retryAfter = Number(res.headers['retry-after'])
  assert.ok(Math.abs(retryAfter - toMidnight) <= 2, `Retry-After ${retryAfter}, ${toMidnight} s to 00:00 UTC`)
  assert.equal(res.headers.ratelimit, `"daily";r=0;t=${retryAfter}`)
  assert.equal(res.headers['ratelimit-policy'], '"daily";q=4;w=86400')
  assert.equal((await send(gws[0]!.url, '/quota', from('10.7.0.1'))).status, 429, 'the other gateway agrees')
})

test('sliding and fixed windows shared by two gateways admit exactly their limit', async (t) => {
  if (redis === undefined) {
    t.skip(REDIS_SKIP_REASON)
    return
  }
  assert.equal((await alternate('/sliding', 9)).filter(s => s === 200).length, 5)
  assert.equal((await alternate('/fixed', 9)).filter(s => s === 200).length, 6)
})
