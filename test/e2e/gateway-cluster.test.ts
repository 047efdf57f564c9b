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

/** The per-process part of a generated request id (`PREFIX-counter`, see src/gateway/request-id.ts). */
const processOf = (r: { headers: Record<string, unknown> }): string => {
  const id = String(r.headers['x-request-id'])
  return id.slice(0, id.lastIndexOf('-'))
}

test('two workers answer on one port, a crashed one is replaced, SIGTERM drains a request in flight and exits 0', { timeout: 60_000 }, async () => {
  const up = await startUpstream('up')
  // listen(0) in cluster workers gives each worker its own port, so pick a free one up front.
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'))
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, `
server: { port: ${port} }
logging: { level: warn }
upstreams: { up: { targets: [{ url: ${up.url} }] } }
routes: [{ name: all, match: { path: / }, upstream: up }]
`)
  const helper = fileURLToPath(new URL('../helpers/gateway.ts', import.meta.url))
  const primary = spawn(process.execPath, ['--import', 'tsx', helper, file, '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: primary.stdout! })
  const workers: Array<{ port: number, pid: number }> = []
  const draining = new Set<number>()
  let notify: (() => void) | undefined
  lines.on('line', (l) => {
    const msg = JSON.parse(l) as { port: number, pid: number } | { draining: number }
    if ('draining' in msg) draining.add(msg.draining)
    else workers.push(msg)
    notify?.()
  })
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>(resolve => { notify = resolve })
  }
  const waitWorkers = (n: number): Promise<void> => until(() => workers.length >= n)
  const url = `http://127.0.0.1:${port}`
  /** The processes that answered `n` requests, each on a fresh connection to the one port. */
  const answering = async (n: number): Promise<Set<string>> => {
    const seen = new Set<string>()
    for (let i = 0; i < n; i++) {
      const r = await send(url, '/x')
      assert.equal(r.status, 200)
      seen.add(processOf(r))
    }
    return seen
  }
  try {
    await waitWorkers(2)
    assert.notEqual(workers[0]!.pid, workers[1]!.pid)
    // node:cluster hands the port's connections to the workers in turn.
    const first = await answering(8)
    assert.equal(first.size, 2, 'both workers answer on the one port')

    process.kill(workers[0]!.pid, 'SIGKILL')
    await waitWorkers(3)
    const second = await answering(8)
    assert.equal(second.size, 2, 'the survivor and the replacement both answer')
    assert.equal([...second].filter(p => !first.has(p)).length, 1, 'one of them is the new worker')

    // A keep-alive request, so that `connection: close` on its answer can only come from the drain.
    const held = send(url, '/held', { headers: { 'x-mode': 'hold', connection: 'keep-alive' } })
    await up.waitForHeld(1)
    const exited = new Promise<number | null>(resolve => primary.once('exit', resolve))
    primary.kill('SIGTERM')
    // Wait for the workers' own word, not for refused connections: a probe connection accepted
    // by the primary during the drain was seen stranded for the whole drainTimeout (reported).
    await until(() => draining.has(workers[1]!.pid) && draining.has(workers[2]!.pid))
    assert.equal(primary.exitCode, null, 'a worker with a request in flight keeps the cluster up')
    up.release()
    const r = await held
    assert.equal(r.status, 200, 'the in-flight request is answered during the drain')
    assert.equal(r.headers.connection, 'close')
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
