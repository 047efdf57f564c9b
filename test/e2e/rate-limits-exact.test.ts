// Exactness on real processes: three `sluice start` gateways on one Redis admit a limit's
// requests exactly, together; one `sluice start` with server.workers: 2 and the memory store admits
// them exactly too (the primary holds the counters, src/gateway/rate-limits/cluster-store.ts).
// Client addresses are loopback aliases (127.0.0.2…): traffic never leaves loopback.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../helpers/free-port.js'
import { REDIS_SKIP_REASON, startRedis } from '../helpers/redis-server.js'
import { spawnSluice } from '../helpers/sluice-process.js'
import type { Running } from '../helpers/sluice-process.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-rl-exact-'))
after(() => rmSync(dir, { recursive: true, force: true }))

interface Answer { status: number, process: string }

/** One GET on its own connection from `localAddress`, so node:cluster spreads connections over workers. */
function get (port: number, path: string, localAddress: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress, agent: false }, (res) => {
      res.resume()
      const id = String(res.headers['x-request-id'])
      res.on('end', () => resolve({ status: res.statusCode!, process: id.slice(0, id.lastIndexOf('-')) }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** `count` requests, at most `width` in flight, the i-th to `ports[i % ports.length]`. */
async function spread (ports: number[], count: number, localAddress: string, width = 30): Promise<Answer[]> {
  const out: Answer[] = []
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) {
      const i = next++
      out.push(await get(ports[i % ports.length]!, '/limited', localAddress))
    }
  }))
  return out
}

async function upstream (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const server = createServer((_req, res) => res.end('ok'))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>(resolve => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function start (name: string, yaml: string, t: { after: (fn: () => void) => void }): Running {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(file, yaml)
  const running = spawnSluice(['start', '-c', file], dir)
  t.after(() => { running.child.kill('SIGKILL') })
  return running
}

test('three gateway processes on one Redis: 900 requests over them, exactly 300 pass', { timeout: 120_000 }, async t => {
  const redis = await startRedis()
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  t.after(() => redis.stop())
  const up = await upstream(t)
  const ports = [await freePort(), await freePort(), await freePort()]
  // A fixed hourly window cut on Redis's clock: exactly 300 pass, unless the run straddles the
  // top of an hour (then the new window admits its own 300).
  const gateways = ports.map((port, i) => start(`instance-${i}`, `
server: { port: ${port} }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: info, accessLog: false }
rateLimiting: { store: { type: redis, url: ${redis.url} } }
upstreams: { up: { targets: [{ url: ${up} }] } }
routes:
  - name: limited
    match: { path: /limited }
    upstream: up
    rateLimits:
      - { name: hourly, key: ip, algorithm: fixed-window, requests: 300, per: 1h }
`, t))
  for (const g of gateways) await g.waitFor(/listening/)

  const startedAt = Date.now()
  const answers = await spread(ports, 900, '127.0.0.2')
  const elapsedMs = Date.now() - startedAt
  const passed = answers.filter(a => a.status === 200).length
  assert.equal(answers.filter(a => a.status !== 200 && a.status !== 429).length, 0)
  assert.equal(new Set(answers.map(a => a.process)).size, 3, 'all three instances answered')
  const hour = (ms: number): number => Math.floor(ms / 3_600_000)
  if (hour(startedAt) === hour(startedAt + elapsedMs)) assert.equal(passed, 300, `${passed} passed in ${elapsedMs} ms`)
  else assert.ok(passed >= 300 && passed <= 600, `${passed} passed across the top of an hour`)
  assert.equal((await spread(ports, 3, '127.0.0.3')).filter(a => a.status === 200).length, 3,
    'another client address has its own counter')
})

test('server.workers: 2 with the memory store: exactly the limit passes over both workers', { timeout: 120_000 }, async t => {
  const up = await upstream(t)
  const port = await freePort()
  const running = start('workers', `
server: { port: ${port}, workers: 2 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: info, accessLog: false }
upstreams: { up: { targets: [{ url: ${up} }] } }
routes:
  - name: limited
    match: { path: /limited }
    upstream: up
    rateLimits:
      - { name: hourly, key: ip, requests: 50, per: 1h }
`, t)
  await running.waitFor(/listening[\s\S]*listening/)
  const answers = await spread([port], 200, '127.0.0.4')
  assert.equal(new Set(answers.map(a => a.process)).size, 2, 'both workers answered')
  assert.equal(answers.filter(a => a.status === 200).length, 50)
  assert.equal(answers.filter(a => a.status === 429).length, 150)
})
