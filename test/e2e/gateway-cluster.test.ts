import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../helpers/free-port.js'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { send } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'

test('two workers share the port, a crashed one is replaced, SIGTERM drains and exits 0', { timeout: 30_000 }, async () => {
  const up = await startUpstream('up')
  // listen(0) in cluster workers gives each worker its own port, so pick a free one up front.
  const fixed = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'))
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, `
server: { port: ${fixed} }
logging: { level: warn }
upstreams: { up: { targets: [{ url: ${up.url} }] } }
routes: [{ name: all, match: { path: / }, upstream: up }]
`)
  const helper = fileURLToPath(new URL('../helpers/gateway.ts', import.meta.url))
  const primary = spawn(process.execPath, ['--import', 'tsx', helper, file, '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: primary.stdout! })
  const workers: Array<{ port: number, pid: number }> = []
  let notify: (() => void) | undefined
  lines.on('line', (l) => { workers.push(JSON.parse(l)); notify?.() })
  const waitWorkers = async (n: number): Promise<void> => {
    while (workers.length < n) await new Promise<void>(resolve => { notify = resolve })
  }
  try {
    await waitWorkers(2)
    const port = workers[0]!.port
    assert.equal(workers[1]!.port, port, 'one shared port')
    assert.notEqual(workers[0]!.pid, workers[1]!.pid)
    for (let i = 0; i < 4; i++) assert.equal((await send(`http://127.0.0.1:${port}`, '/x')).status, 200)
    process.kill(workers[0]!.pid, 'SIGKILL')
    await waitWorkers(3)
    assert.equal(workers[2]!.port, port)
    assert.equal((await send(`http://127.0.0.1:${port}`, '/x')).status, 200)
    const exited = new Promise<number | null>(resolve => primary.once('exit', resolve))
    primary.kill('SIGTERM')
    assert.equal(await exited, 0)
  } finally {
    primary.kill('SIGKILL')
    await up.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an affinity pin made by one worker holds on every worker (one cluster-wide cookie key)', { timeout: 30_000 }, async () => {
  const [x, y] = await Promise.all([startUpstream('x'), startUpstream('y')])
  const fixed = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-aff-'))
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, `
server: { port: ${fixed} }
logging: { level: warn }
upstreams: { sticky: { affinity: { cookie: pin }, targets: [{ url: ${x.url} }, { url: ${y.url} }] } }
routes: [{ name: all, match: { path: / }, upstream: sticky }]
`)
  const helper = fileURLToPath(new URL('../helpers/gateway.ts', import.meta.url))
  const primary = spawn(process.execPath, ['--import', 'tsx', helper, file, '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: primary.stdout! })
  const pids = new Set<number>()
  const ready = new Promise<void>(resolve => lines.on('line', (l) => {
    pids.add((JSON.parse(l) as { pid: number }).pid)
    if (pids.size === 2) resolve()
  }))
  try {
    await ready
    const base = `http://127.0.0.1:${fixed}`
    const first = await send(base, '/x')
    const cookie = String(first.headers['set-cookie']).split(';')[0]!
    // Each request is a new connection, which the primary hands to the workers in turn.
    for (let i = 0; i < 8; i++) {
      const r = await send(base, '/x', { headers: { cookie } })
      assert.equal(r.headers['x-upstream'], first.headers['x-upstream'], `request ${i}`)
      assert.equal(r.headers['set-cookie'], undefined, `request ${i} was re-pinned`)
    }
  } finally {
    primary.kill('SIGTERM')
    await new Promise(resolve => primary.once('exit', resolve))
    await Promise.all([x.close(), y.close()])
    rmSync(dir, { recursive: true, force: true })
  }
})
