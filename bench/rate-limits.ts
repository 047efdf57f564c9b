// The rate-limit bench (issue 10): a route with two limits against the plain route, on the
// memory store and on the Redis store (a local redis-server), req/s through one Sluice process
// pinned to its own core, driven by wrk on the other core, 1 KiB from nginx. Two Sluice processes
// (one per store; only one is under load at a time) serve the same plain and limited routes.
// Rounds interleave the scenarios so drift hits them alike; ratios are taken within a round
// against the same process's plain route, and the median round is reported. Bars: memory ≥ 0.9×;
// Redis: report, aim ≥ 0.6×. Redis commands per request come from INFO commandstats (EVALSHA +
// EVAL calls over the requests wrk completed). redis-server shares wrk's core: there is no third.
// On a loaded machine req/s swings between rounds, so each row also has Sluice's own CPU per
// request (utime + stime from /proc over the run ÷ requests), whose ratio is what a saturated
// Sluice core would show.

import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRedisClient, whenRedisReady } from '../src/core/redis.js'
import { upstreamNginx } from './gateway-servers.js'
import { LOAD_CORE, PROXY_CORE, freePort, wrk, waitFor, cpuTicks, TICK_US, median } from './harness.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface RateLimitBenchOptions { quick?: boolean, rounds?: number, seconds?: number, connections?: number }

const SCENARIOS = ['plain', 'memory', 'redisPlain', 'redis'] as const
type Scenario = typeof SCENARIOS[number]

interface Measured { rps: number, cpuUs: number }

// Limits no bench run can reach: every request is decided and charged, none refused.
const gatewayYaml = (port: number, upPort: number, store: string): string => `
server: { host: 127.0.0.1, port: ${port}, workers: 1 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: warn, accessLog: false }
rateLimiting: { store: ${store}, headers: both }
upstreams: { origin: { targets: [{ url: "http://127.0.0.1:${upPort}" }] } }
routes:
  - { name: plain, match: { path: /plain }, upstream: origin, rewrite: { pattern: ".*", replacement: /1k } }
  - name: limited
    match: { path: /limited }
    upstream: origin
    rewrite: { pattern: ".*", replacement: /1k }
    rateLimits:
      - { name: per-ip, key: ip, requests: 1000000000, per: 1s }
      - { name: everyone, key: route, requests: 1000000000, per: 1m }
`

export async function runRateLimitBench (
  o: RateLimitBenchOptions = {}
): Promise<{ table: string, ratios: Record<string, number> }> {
  if (spawnSync('redis-server', ['--version']).error !== undefined) throw new Error('redis-server not installed')
  const rounds = o.rounds ?? (o.quick === true ? 1 : 3)
  const seconds = o.seconds ?? (o.quick === true ? 1 : 5)
  const connections = o.connections ?? 50
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-rl-'))
  const children: ChildProcess[] = []
  try {
    const upPort = await freePort()
    const [memPort, redisGwPort, redisPort] = [await freePort(), await freePort(), await freePort()]
    children.push(upstreamNginx({ dir, core: LOAD_CORE, port: upPort, upstreamUrl: '' }))
    children.push(spawn('taskset', ['-c', String(LOAD_CORE), 'redis-server', '--port', String(redisPort), '--bind', '127.0.0.1',
      '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }))
    const redis = createRedisClient(`redis://127.0.0.1:${redisPort}`, { connectTimeoutMs: 5000 })
    await whenRedisReady(redis, 10_000)
    const scripts = async (): Promise<number> => {
      const info = await redis.info('commandstats')
      let calls = 0
      for (const m of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) calls += Number(m[2])
      return calls
    }

    const start = (name: string, port: number, store: string): number => {
      const file = join(dir, `${name}.yaml`)
      writeFileSync(file, gatewayYaml(port, upPort, store))
      const child = spawn('taskset', ['-c', String(PROXY_CORE), process.execPath, '--import', 'tsx', join(ROOT, 'src/cli/main.ts'),
        'start', '-c', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
      children.push(child)
      return child.pid!
    }
    const memPid = start('memory', memPort, '{ type: memory }')
    const redisPid = start('redis', redisGwPort, `{ type: redis, url: "redis://127.0.0.1:${redisPort}" }`)
    const pids: Record<Scenario, number> = { plain: memPid, memory: memPid, redisPlain: redisPid, redis: redisPid }
    const urls: Record<Scenario, string> = {
      plain: `http://127.0.0.1:${memPort}/plain`,
      memory: `http://127.0.0.1:${memPort}/limited`,
      redisPlain: `http://127.0.0.1:${redisGwPort}/plain`,
      redis: `http://127.0.0.1:${redisGwPort}/limited`,
    }
    for (const s of SCENARIOS) await waitFor(urls[s])
    for (const s of SCENARIOS) await wrk(urls[s], 1, connections) // warm-up

    const rows: Array<Record<Scenario, Measured> & { commandsPerRequest: number }> = []
    for (let r = 0; r < rounds; r++) {
      const row = { commandsPerRequest: NaN } as Record<Scenario, Measured> & { commandsPerRequest: number }
      // Rotate the order each round so no scenario always runs first.
      for (let i = 0; i < SCENARIOS.length; i++) {
        const s = SCENARIOS[(i + r) % SCENARIOS.length]!
        const before = s === 'redis' ? await scripts() : 0
        const ticks = cpuTicks(pids[s])
        const w = await wrk(urls[s], seconds, connections)
        if (w.errors !== '') throw new Error(`${s}: ${w.errors}`)
        row[s] = { rps: w.rps, cpuUs: (cpuTicks(pids[s]) - ticks) * TICK_US / w.requests }
        if (s === 'redis') row.commandsPerRequest = (await scripts() - before) / w.requests
      }
      rows.push(row)
    }
    redis.disconnect()
    const ratios = {
      memory: median(rows.map(r => r.memory.rps / r.plain.rps)),
      memoryCpu: median(rows.map(r => r.plain.cpuUs / r.memory.cpuUs)),
      redis: median(rows.map(r => r.redis.rps / r.redisPlain.rps)),
      redisCpu: median(rows.map(r => r.redisPlain.cpuUs / r.redis.cpuUs)),
    }
    const lines = [
      '| round | plain req/s (µs) | 2 limits, memory req/s (µs) | ÷ plain req/s (CPU) | plain, Redis process req/s (µs) | ' +
        '2 limits, Redis req/s (µs) | ÷ plain req/s (CPU) | Redis commands / request |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    ]
    const cell = (m: Measured): string => `${Math.round(m.rps)} (${m.cpuUs.toFixed(1)})`
    rows.forEach((r, i) => lines.push(`| ${i + 1} | ${cell(r.plain)} | ${cell(r.memory)} | ` +
      `${(r.memory.rps / r.plain.rps).toFixed(3)} (${(r.plain.cpuUs / r.memory.cpuUs).toFixed(3)}) | ${cell(r.redisPlain)} | ` +
      `${cell(r.redis)} | ${(r.redis.rps / r.redisPlain.rps).toFixed(3)} (${(r.redisPlain.cpuUs / r.redis.cpuUs).toFixed(3)}) | ` +
      `${r.commandsPerRequest.toFixed(3)} |`))
    lines.push('', `median ratios to the plain route of the same process: memory ${ratios.memory.toFixed(3)}× req/s, ` +
      `${ratios.memoryCpu.toFixed(3)}× by CPU (bar ≥ 0.9×); Redis ${ratios.redis.toFixed(3)}× req/s, ` +
      `${ratios.redisCpu.toFixed(3)}× by CPU (aim ≥ 0.6×); ${rounds} rounds of ${seconds} s, wrk -c${connections} and ` +
      `redis-server on core ${LOAD_CORE}, sluice on core ${PROXY_CORE}, 1 KiB; µs = Sluice CPU per request`)
    return { table: lines.join('\n'), ratios }
  } finally {
    for (const c of children) c.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = process.env.BENCH_RATE_LIMITS_ROUNDS
  const seconds = process.env.BENCH_RATE_LIMITS_SECONDS
  const { table } = await runRateLimitBench({
    quick: process.env.BENCH_QUICK === '1',
    ...(rounds === undefined ? {} : { rounds: Number(rounds) }),
    ...(seconds === undefined ? {} : { seconds: Number(seconds) }),
  })
  console.log(table)
}
