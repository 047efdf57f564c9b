// `sluice start` with server.workers: 2 and active health checks: one worker probes for the
// instance, every worker routes on its verdicts, and the lead moves when the prober dies.
// Real time here (three processes); the bounds are counts, loose enough for a loaded machine.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../helpers/free-port.js'
import { startHealthUpstream } from '../helpers/health-upstream.js'
import { spawnSluice } from '../helpers/sluice-process.js'
import { until, within } from '../helpers/wait.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-health-cluster-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/**
 * A fresh connection per request, so node:cluster spreads them over the workers. Bounded: a
 * connection the primary handed to a worker as it was killed may never be answered.
 */
function get (port: number): Promise<{ upstream: string, pid: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/x', agent: false, timeout: 5000 }, (res) => {
      res.resume()
      res.on('end', () => {
        const id = String(res.headers['x-request-id'])
        resolve({ upstream: String(res.headers['x-upstream'] ?? res.statusCode), pid: id.slice(0, id.lastIndexOf('-')) })
      })
    })
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')))
    req.on('error', reject)
    req.end()
  })
}

const INTERVAL_MS = 200

test('cluster: probes run once per instance, every worker sees the verdicts, the lead survives its worker', { timeout: 180_000 }, async (t) => {
  const [a, b] = await Promise.all([startHealthUpstream('a'), startHealthUpstream('b')])
  t.after(() => Promise.all([a.close(), b.close()]))
  const [port, adminPort] = [await freePort(), await freePort()]
  const file = join(dir, 'sluice.yaml')
  writeFileSync(file, `
server: { port: ${port}, workers: 2 }
admin: { port: ${adminPort} }
logging: { level: info, accessLog: false }
upstreams:
  u:
    targets: [{ url: "${a.url}" }, { url: "${b.url}" }]
    healthCheck: { active: { interval: ${INTERVAL_MS}ms, timeout: ${INTERVAL_MS}ms, healthyThreshold: 1, unhealthyThreshold: 1 } }
routes: [{ name: r, match: { path: / }, upstream: u }]
`)
  const running = spawnSluice(['start', '-c', file], dir)
  t.after(() => { running.child.kill('SIGKILL') })
  // A failure names its step and shows what the gateway printed, so a slow CI run can be read.
  try {
    await scenario()
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- sluice output ---\n${running.output()}`, { cause: err })
  }

  async function scenario (): Promise<void> {
    await running.waitFor(/sluice listening[\s\S]*sluice listening/)
    const pids = (): number[] => [...running.output().matchAll(/"pid":(\d+)[^\n]*sluice listening/g)].map(m => Number(m[1]))

    /** Probes of `a` over `ms`: one prober makes about ms / interval, two would make twice that. */
    const probeRate = async (ms: number): Promise<number> => {
      const start = a.probes
      await new Promise(resolve => setTimeout(resolve, ms))
      return (a.probes - start) / (ms / INTERVAL_MS)
    }
    /** Which upstreams answered, and through how many workers, over 30 fresh connections. */
    const spread = async (): Promise<{ upstreams: Set<string>, workers: number }> => {
      const rs = await Promise.all(Array.from({ length: 30 }, () => get(port)))
      return { upstreams: new Set(rs.map(r => r.upstream)), workers: new Set(rs.map(r => r.pid)).size }
    }

    await until('a first probe', () => a.probes > 0, 30_000)
    const rate = await probeRate(3000)
    assert.ok(rate <= 1.3, `one prober for the instance, not one per worker: ${rate.toFixed(2)} probes per interval`)

    b.healthStatus = 503
    await until('b out in every worker', async () => {
      const s = await spread()
      return s.workers === 2 && s.upstreams.size === 1 && s.upstreams.has('a')
    }, 20_000)

    // Kill each original worker in turn: the prober is one of them, so the lead must move.
    for (const pid of pids().slice(0, 2)) {
      const before = pids().length
      process.kill(pid, 'SIGKILL')
      await until('a replacement worker', () => pids().length > before, 30_000)
      const s = await spread()
      assert.deepEqual([...s.upstreams], ['a'], 'the replacement knows b is down before probing anything')
    }
    assert.ok(await probeRate(3000) > 0.3, 'someone still probes')

    b.healthStatus = 200
    await until('b back in every worker', async () => {
      const rs = await Promise.all(Array.from({ length: 30 }, () => get(port)))
      const viaB = new Set(rs.filter(r => r.upstream === 'b').map(r => r.pid))
      return viaB.size === 2
    }, 20_000)
    assert.ok(await probeRate(3000) <= 1.3, 'still one prober')

    running.child.kill('SIGTERM')
    assert.equal(await within(running.exit, 30_000, 'exit after SIGTERM'), 0)
  }
})
