// The default access log as an operator gets it: `sluice start` writing to its stdout (a pipe
// here), batched and handed to the destination as bytes. Every request has its line, whole and
// parseable, pino's own lines are not cut by the batches, and SIGTERM loses nothing still batched.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSluice } from '../helpers/sluice-process.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-access-stdout-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('sluice start logs every request on stdout, across several batches, and flushes them on SIGTERM', async (t) => {
  const upstream = createServer((_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => upstream.close(() => resolve())))
  const port = (upstream.address() as AddressInfo).port
  writeFileSync(join(dir, 'sluice.yaml'), `server: { host: 127.0.0.1, port: 0 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: info, accessLog: true }
upstreams:
  app:
    targets: [{ url: http://127.0.0.1:${port} }]
routes:
  - name: api-v1
    match: { path: /api }
    upstream: app
`)
  const sluice = spawnSluice(['start', '-c', 'sluice.yaml'], dir)
  t.after(() => { sluice.child.kill('SIGKILL') })
  let stdout = ''
  sluice.child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  const [, gw] = await sluice.waitFor(/"url":"(http:\/\/[^"]+)"/)

  // ~300 bytes a line: 400 lines fill several 32 KiB batches, and the last one is still batched
  // when SIGTERM comes.
  const ids: string[] = []
  for (let i = 0; i < 400; i += 20) {
    const batch = Array.from({ length: 20 }, (_, j) => fetch(`${gw}/api/${i + j}/ünï`))
    for (const res of await Promise.all(batch)) {
      assert.equal(res.status, 200)
      await res.text()
      ids.push(res.headers.get('x-request-id')!)
    }
  }
  sluice.child.kill('SIGTERM')
  assert.equal(await sluice.exited(), 0, sluice.output())

  const lines = stdout.split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>)
  const access = lines.filter(l => l.msg === 'access')
  assert.deepEqual(access.map(l => l.reqId).sort(), [...ids].sort(), 'one line per request, none lost')
  const paths = new Set(access.map(l => l.path))
  for (let i = 0; i < 400; i++) assert.ok(paths.has(`/api/${i}/%C3%BCn%C3%AF`), `the line of /api/${i}`)
  for (const l of access) {
    assert.equal(l.route, 'api-v1')
    assert.equal(l.upstream, 'app')
    assert.equal(l.status, 200)
  }
  const messages = lines.filter(l => l.msg !== 'access').map(l => l.msg)
  assert.ok(messages.some(m => typeof m === 'string' && m.startsWith('sluice listening')), 'pino lines are whole too')
  assert.equal(lines.at(-1)!.msg, 'sluice stopped', 'the batch is written before the last line')
})
