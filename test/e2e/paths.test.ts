// Request paths end to end: a real `sluice start` process between a client sending raw targets
// and real upstreams that record the target they received. A prefix route must confine: what the
// gateway routes on is what the upstream gets (docs/paths.md).
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSluice, type Running } from '../helpers/sluice-process.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-paths-'))

interface Recorder { server: Server, port: number, seen: string[] }

async function recorder (): Promise<Recorder> {
  const seen: string[] = []
  const server = createServer((req, res) => {
    seen.push(req.url!)
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port, seen }
}

let confined: Recorder
let rest: Recorder
let sluice: Running
let gwPort: number

before(async () => {
  confined = await recorder()
  rest = await recorder()
  writeFileSync(join(dir, 'paths.yaml'), `server: { host: 127.0.0.1, port: 0 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: info, accessLog: false }
upstreams:
  confined: { targets: [{ url: http://127.0.0.1:${confined.port} }] }
  rest: { targets: [{ url: http://127.0.0.1:${rest.port} }] }
routes:
  - { name: api, match: { path: /api }, upstream: confined }
  - { name: s, match: { path: /s }, stripPrefix: /s, upstream: confined }
  - name: files
    match: { pathExact: /files/:name }
    rewrite: { pattern: '^.*$', replacement: /bucket/:name/meta }
    upstream: confined
  - { name: rest, match: { path: / }, upstream: rest }
`)
  sluice = spawnSluice(['start', '-c', 'paths.yaml'], dir)
  const [, url] = await sluice.waitFor(/"url":"http:\/\/[^"]+:(\d+)"/)
  gwPort = Number(url)
})

after(async () => {
  sluice.child.kill('SIGKILL')
  await sluice.exited()
  await Promise.all([confined, rest].map((r) => new Promise((resolve) => r.server.close(resolve))))
  rmSync(dir, { recursive: true, force: true })
})

/** Sends `target` byte for byte (fetch and URL would normalise it first). */
function send (target: string): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: gwPort, path: target, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** What each upstream received for one request. */
async function through (target: string): Promise<{ status: number, body: string, confined: string[], rest: string[] }> {
  const c = confined.seen.length
  const r = rest.seen.length
  const res = await send(target)
  return { ...res, confined: confined.seen.slice(c), rest: rest.seen.slice(r) }
}

const cases: Array<{ target: string, confined?: string, rest?: string }> = [
  { target: '/api/../admin', rest: '/admin' },
  { target: '/api/%2e%2e/admin', rest: '/admin' },
  { target: '/api/%2E%2e/admin?x=%2e%2e', rest: '/admin?x=%2e%2e' },
  { target: '/s/../admin', rest: '/admin' },
  { target: '/s/./x/%7euser', confined: '/x/~user' },
  { target: '/files/%2e%2e', rest: '/' },
  { target: '/files/%252e%252e', confined: '/bucket/%252e%252e/meta' },
  { target: '/files/a%2fb', confined: '/bucket/a%2Fb/meta' },
  { target: '/api/./v1/../users?q=1', confined: '/api/users?q=1' },
  { target: '/api/users?raw=%7e', confined: '/api/users?raw=%7e' },
]

for (const c of cases) {
  test(`${c.target} is routed and forwarded as ${c.confined ?? c.rest} (${c.confined !== undefined ? 'inside' : 'outside'} the prefix)`, async () => {
    const got = await through(c.target)
    assert.equal(got.status, 200, got.body)
    assert.deepEqual(got.confined, c.confined === undefined ? [] : [c.confined])
    assert.deepEqual(got.rest, c.rest === undefined ? [] : [c.rest])
  })
}

for (const target of ['/api/..\\admin', '/..', '/api/../../admin', '/api/..%2Fadmin', '/api/%zz']) {
  test(`${target} gets 400 SLC_INVALID_PATH and reaches no upstream`, async () => {
    const got = await through(target)
    assert.equal(got.status, 400, got.body)
    const body = JSON.parse(got.body) as { error: { code: string, requestId: string } }
    assert.equal(body.error.code, 'SLC_INVALID_PATH')
    assert.ok(body.error.requestId.length > 0)
    assert.deepEqual([got.confined, got.rest], [[], []])
  })
}
