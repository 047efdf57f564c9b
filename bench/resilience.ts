// The resilience bench (issue 8): one Sluice process, pinned to its own core, serving two routes to
// the same 1 KiB nginx upstream, through two upstreams that differ only in their policies: `plain`
// has none, `guarded` has retry, a circuit breaker, passive and active health checks and
// maxRequests. wrk drives them from the other core. Rounds interleave the two
// routes so drift hits them alike; the ratios guarded ÷ plain are taken within a round and the
// median round is reported: req/s, and Sluice's CPU µs per request (its own utime+stime from /proc
// over the measurement, divided by the requests wrk completed), which is the throughput ratio of a
// saturated Sluice core and the figure to read when other work on the machine makes req/s swing.
// The bar: ≥ 0.95×. The harness is bench/auth.ts's (nginx upstream and wrk parser borrowed from the
// gateway bench).

import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadResult } from './gateway-load.js'
import { upstreamNginx } from './gateway-servers.js'
import { LOAD_CORE, PROXY_CORE, freePort, wrk, waitFor, cpuTicks, TICK_US, median } from './harness.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface ResilienceBenchOptions { quick?: boolean, rounds?: number, seconds?: number, connections?: number }

const SCENARIOS = ['plain', 'guarded'] as const
type Scenario = typeof SCENARIOS[number]
interface Measured { rps: number, cpuUsPerReq: number }

/** The config: the same target twice, once bare and once with every policy of issue 8 on. */
export function resilienceConfig (gwPort: number, upPort: number): string {
  const target = `http://127.0.0.1:${upPort}`
  return `
server: { host: 127.0.0.1, port: ${gwPort}, workers: 1 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: warn, accessLog: false }
upstreams:
  plain: { targets: [{ url: "${target}" }] }
  guarded:
    targets: [{ url: "${target}" }]
    retry: { attempts: 3 }
    circuitBreaker: { failureRatio: 0.5, minimumRequests: 20, window: 10s, openFor: 30s }
    healthCheck:
      active: { path: /1k, interval: 2s, timeout: 1s }
      passive: { consecutiveFailures: 5, ejectFor: 30s }
    limits: { maxRequests: 1000 }
routes:
  - { name: plain, match: { path: /plain }, upstream: plain, rewrite: { pattern: ".*", replacement: /1k } }
  - { name: guarded, match: { path: /guarded }, upstream: guarded, rewrite: { pattern: ".*", replacement: /1k } }
`
}

export async function runResilienceBench (
  o: ResilienceBenchOptions = {}
): Promise<{ table: string, ratio: number, cpuRatio: number }> {
  const rounds = o.rounds ?? (o.quick === true ? 1 : Number(process.env.BENCH_RESILIENCE_ROUNDS ?? 5))
  const seconds = o.seconds ?? (o.quick === true ? 1 : Number(process.env.BENCH_RESILIENCE_SECONDS ?? 5))
  const connections = o.connections ?? 50
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-resilience-'))
  const children: ChildProcess[] = []
  try {
    const [upPort, gwPort] = [await freePort(), await freePort()]
    children.push(upstreamNginx({ dir, core: LOAD_CORE, port: upPort, upstreamUrl: '' }))
    const config = join(dir, 'sluice.yaml')
    writeFileSync(config, resilienceConfig(gwPort, upPort))
    // The built dist/, as users run it (and as bench/gateway.ts measures): tsx's keepNames wrapping
    // would make every closure the policy path creates cost more than it does in production.
    const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
    if (built.status !== 0) throw new Error('npm run build failed')
    const gw = spawn('taskset', ['-c', String(PROXY_CORE), process.execPath, join(ROOT, 'dist/cli/main.js'),
      'start', '-c', config], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
    children.push(gw)
    const base = `http://127.0.0.1:${gwPort}`
    for (const s of SCENARIOS) await waitFor(`${base}/${s}`)
    for (const s of SCENARIOS) await wrk(`${base}/${s}`, 1, connections) // warm-up

    const rows: Array<Record<Scenario, Measured>> = []
    for (let r = 0; r < rounds; r++) {
      const row = {} as Record<Scenario, Measured>
      // Alternate the order each round so neither route always runs first.
      for (let i = 0; i < SCENARIOS.length; i++) {
        const s = SCENARIOS[(i + r) % SCENARIOS.length]!
        const before = cpuTicks(gw.pid!)
        const w: LoadResult = await wrk(`${base}/${s}`, seconds, connections)
        const ticks = cpuTicks(gw.pid!) - before
        if (w.errors !== '') throw new Error(`${s}: ${w.errors}`)
        row[s] = { rps: w.rps, cpuUsPerReq: ticks * TICK_US / w.requests }
      }
      rows.push(row)
    }
    const ratio = median(rows.map(r => r.guarded.rps / r.plain.rps))
    const cpuRatio = median(rows.map(r => r.plain.cpuUsPerReq / r.guarded.cpuUsPerReq))
    const lines = [
      '| round | plain req/s | guarded req/s | req/s ratio | plain CPU µs/req | guarded CPU µs/req | CPU ratio |',
      '|---|---:|---:|---:|---:|---:|---:|',
    ]
    rows.forEach((r, i) => lines.push(`| ${i + 1} | ${Math.round(r.plain.rps)} | ${Math.round(r.guarded.rps)} | ` +
      `${(r.guarded.rps / r.plain.rps).toFixed(3)} | ${r.plain.cpuUsPerReq.toFixed(1)} | ${r.guarded.cpuUsPerReq.toFixed(1)} | ` +
      `${(r.plain.cpuUsPerReq / r.guarded.cpuUsPerReq).toFixed(3)} |`))
    lines.push('', `median ratios guarded ÷ plain: ${ratio.toFixed(3)}× by req/s, ${cpuRatio.toFixed(3)}× by CPU (bar ≥ 0.95×; ` +
      `retry + breaker + passive and active health + maxRequests; ${rounds} rounds of ${seconds} s, wrk -c${connections} ` +
      `on core ${LOAD_CORE}, sluice on core ${PROXY_CORE}, 1 KiB)`)
    return { table: lines.join('\n'), ratio, cpuRatio }
  } finally {
    for (const c of children) c.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { table } = await runResilienceBench({ quick: process.env.BENCH_QUICK === '1' })
  console.log(table)
}
