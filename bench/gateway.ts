// Gateway macro benchmark: Sluice as a reverse proxy next to nginx, HAProxy, Caddy and the Node
// proxies, per core, on loopback. Layout on a 2-core machine: the proxy under test runs alone on
// PROXY_CORE; the fixed-response upstream (nginx, one worker) and the load generator (wrk, one
// thread) share LOAD_CORE. Targets are measured in turn inside each round (interleaved), so slow
// and fast periods of the machine hit every target alike; ratios are taken within a round.
//
// Every measurement also records the foreign CPU (what processes other than the bench's own used
// meanwhile, see gateway-cpu.ts): on a shared machine that is the noise, and it is published with
// every round instead of being hidden in a median.
//
// Knobs (env): BENCH_GATEWAY_ROUNDS [5], BENCH_GATEWAY_SECONDS [6] per measurement (after a 1 s
// warm-up), BENCH_GATEWAY_TARGETS (names to keep), BENCH_GATEWAY_QUIET [5] max seconds to wait for
// the machine to go quiet before each measurement, BENCH_GATEWAY_TSV (write the raw rows there).

import { execFileSync, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpuWindow, sampleCpu } from './gateway-cpu.js'
import { runWrk } from './gateway-load.js'
import { formatQuietRatios, formatRounds, formatSummary, toTsv } from './gateway-report.js'
import type { Measurement } from './gateway-report.js'
import { writeManyRoutesConfig } from './gateway-routes.js'
import { startOtlpSink, writeAccessLogConfig, writeTracingConfig } from './gateway-variants.js'
import { caddy, haproxy, nginxProxy, nodePeer, pinned, upstreamNginx } from './gateway-servers.js'
import type { ServerContext, ServerSpec } from './gateway-servers.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const LOAD_CORE = 0
const PROXY_CORE = 1
const CONNECTIONS = 64
/** Foreign CPU (% of one core) up to which a measurement counts as quiet in the quiet-ratio table. */
const QUIET_FOREIGN_PCT = 10
export const REFERENCES = ['direct', 'nginx', 'fastify-http-proxy', 'undici-raw'] as const

export interface GatewayBenchOptions {
  /** Smoke run: one short round, few targets. */
  quick?: boolean
}

const log = (msg: string): void => { process.stderr.write(`[gateway bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`) }
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

async function ready (url: string, child: ChildProcess, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} at startup`)
    try {
      const [a, b] = await Promise.all([fetch(`${url}/1k`), fetch(`${url}/64k`)])
      const [la, lb] = [(await a.arrayBuffer()).byteLength, (await b.arrayBuffer()).byteLength]
      if (a.status === 200 && b.status === 200 && la === 1024 && lb === 65536) return
      if (a.status === 200) throw new Error(`wrong answers: /1k ${a.status} ${la} B, /64k ${b.status} ${lb} B`)
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('wrong')) throw err
    }
    await sleep(100)
  }
  throw new Error(`not ready after ${seconds}s`)
}

/** Waits (at most `maxSeconds`) until both cores together are under 15% busy. */
async function quiet (maxSeconds: number): Promise<void> {
  const until = Date.now() + maxSeconds * 1000
  while (Date.now() < until) {
    const a = sampleCpu()
    await sleep(500)
    const w = cpuWindow(a, sampleCpu(), [], [], 0)
    if (w.corePct.reduce((s, x) => s + x, 0) < 15) return
  }
}

/** The official Node 24 build, unpacked once into a cache folder by .ci/node.sh; undefined if that fails. */
function node24 (): string | undefined {
  try {
    const bin = execFileSync('bash', [join(ROOT, '.ci/node.sh'), join(tmpdir(), 'sluice-bench-node')], { encoding: 'utf8' }).trim()
    return join(bin, 'node')
  } catch (err) {
    log(`Node 24 unavailable, its rows are skipped: ${String(err)}`)
    return undefined
  }
}

/** bench/peers' packages, installed with npm ci into a cache folder keyed by the lockfile. */
function peerDeps (): string | undefined {
  const lock = readFileSync(join(ROOT, 'bench/peers/package-lock.json'))
  const dir = join(tmpdir(), `sluice-bench-peers-${createHash('sha1').update(lock).digest('hex').slice(0, 12)}`)
  if (existsSync(join(dir, '.installed'))) return dir
  mkdirSync(dir, { recursive: true })
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, 'bench/peers', f), join(dir, f))
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'ignore' })
  if (r.status !== 0) {
    log('npm ci of bench/peers failed; the fastify peer is skipped')
    return undefined
  }
  writeFileSync(join(dir, '.installed'), '')
  return dir
}

function targets (quick: boolean, dir: string, otlpUrl: string): { list: ServerSpec[], versions: string } {
  const cli = join(ROOT, 'dist/cli/main.js')
  const sluice = (config: string, node: string): Omit<ServerSpec, 'name'> => ({
    start: (ctx) => pinned(ctx, `sluice-${ctx.port}`, node, [cli, 'start', '-c', config]),
  })
  const one = join(ROOT, 'bench/gateway.yaml')
  const v20 = `node${process.versions.node.split('.')[0]}`
  const n24 = node24()
  const deps = quick ? undefined : peerDeps()
  const list: ServerSpec[] = [
    { name: 'node-direct', ...nodePeer('node-direct.mjs') },
    { name: 'nginx', ...nginxProxy, missing: has('nginx') ? undefined : 'nginx not installed' },
    { name: 'haproxy', ...haproxy, missing: has('haproxy') ? undefined : 'haproxy not installed' },
    { name: 'caddy', ...caddy, missing: has('caddy') ? undefined : 'caddy not installed' },
    {
      name: 'fastify-http-proxy',
      ...nodePeer('fastify-http-proxy.mjs', { PEER_DEPS: deps }),
      missing: deps === undefined ? 'bench/peers not installed' : undefined,
    },
    { name: 'undici-raw', ...nodePeer('undici-raw.mjs') },
    { name: `sluice@${v20}`, ...sluice(one, process.execPath) },
    { name: 'sluice@node24', ...sluice(one, n24 ?? ''), missing: n24 === undefined ? 'no Node 24' : undefined },
    { name: `sluice-5000-routes@${v20}`, ...sluice(writeManyRoutesConfig(dir), process.execPath) },
    { name: `sluice-access-log@${v20}`, ...sluice(writeAccessLogConfig(one, dir), process.execPath) },
    { name: `sluice-tracing@${v20}`, ...sluice(writeTracingConfig(one, dir, otlpUrl), process.execPath) },
  ]
  const keep = process.env.BENCH_GATEWAY_TARGETS?.split(/[\s,]+/).filter(Boolean) ??
    (quick ? ['undici-raw', `sluice@${v20}`, 'sluice@node24'] : undefined)
  const versions = `Node ${process.version}` +
    (n24 === undefined ? '' : ` (sluice@node24: ${execFileSync(n24, ['--version'], { encoding: 'utf8' }).trim()})`)
  return { list: keep === undefined ? list : list.filter((t) => keep.includes(t.name)), versions }
}

function stop (children: Iterable<ChildProcess>): Promise<void> {
  const waits: Array<Promise<void>> = []
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue
    waits.push(new Promise((resolve) => {
      const kill = setTimeout(() => c.kill('SIGKILL'), 5000)
      c.once('exit', () => { clearTimeout(kill); resolve() })
    }))
    c.kill('SIGTERM')
  }
  return Promise.all(waits).then(() => {})
}

export async function runGatewayBench (
  options: GatewayBenchOptions = {}
): Promise<{ measurements: Measurement[], table: string }> {
  for (const tool of ['taskset', 'wrk', 'nginx']) if (!has(tool)) throw new Error(`${tool} is required (apt-get install wrk nginx util-linux)`)
  const quick = options.quick ?? false
  const rounds = quick ? 1 : Number(process.env.BENCH_GATEWAY_ROUNDS ?? 5)
  const seconds = quick ? 2 : Number(process.env.BENCH_GATEWAY_SECONDS ?? 6)
  const quietSeconds = quick ? 0 : Number(process.env.BENCH_GATEWAY_QUIET ?? 5)
  // Benchmark the built output, as users run it; tsx's loader would be measured too otherwise.
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  if (built.status !== 0) throw new Error('npm run build failed')

  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'))
  // nginx workers run as an unprivileged user when root starts them: they must read the upstream's files.
  chmodSync(dir, 0o755)
  const children = new Map<string, ChildProcess>()
  let sink: Awaited<ReturnType<typeof startOtlpSink>> | undefined
  try {
    const upPort = await freePort()
    const upstreamUrl = `http://127.0.0.1:${upPort}`
    const ctx = (core: number, port: number): ServerContext => ({ dir, core, port, upstreamUrl })
    const upstream = upstreamNginx(ctx(LOAD_CORE, upPort))
    children.set('direct', upstream)
    await ready(upstreamUrl, upstream, 10)
    const ports = new Map<string, number>([['direct', upPort]])
    sink = await startOtlpSink()
    const { list, versions } = targets(quick, dir, sink.url)
    for (const t of list) {
      if (t.missing !== undefined) { log(`skip ${t.name}: ${t.missing}`); continue }
      const port = await freePort()
      const child = t.start(ctx(PROXY_CORE, port))
      children.set(t.name, child)
      try {
        await ready(`http://127.0.0.1:${port}`, child, 30)
        ports.set(t.name, port)
      } catch (err) {
        log(`skip ${t.name}: ${err instanceof Error ? err.message : String(err)} (log in ${dir})`)
      }
    }
    const load = (seconds: number) => ({ core: LOAD_CORE, connections: CONNECTIONS, seconds })
    // JIT warm-up for the Node targets, once.
    for (const port of ports.values()) await runWrk(`http://127.0.0.1:${port}/1k`, load(quick ? 1 : 3))

    const measurements: Measurement[] = []
    for (let round = 1; round <= rounds; round++) {
      for (const [size, path] of [['1KiB', '/1k'], ['64KiB', '/64k']] as const) {
        for (const [target, port] of ports) {
          const url = `http://127.0.0.1:${port}${path}`
          await quiet(quietSeconds)
          await runWrk(url, load(1))
          const a = sampleCpu()
          const r = await runWrk(url, load(seconds))
          const b = sampleCpu()
          const w = cpuWindow(a, b, [children.get(target)!.pid!], [upstream.pid!], r.requests)
          const m: Measurement = {
            size,
            round,
            target,
            rps: r.rps,
            p50Ms: r.p50Ms,
            p99Ms: r.p99Ms,
            errors: r.errors,
            cpuUsPerReq: w.proxyUsPerReq,
            foreignPct: w.foreignPct,
            stealPct: w.stealPct,
          }
          measurements.push(m)
          log(`${size} r${round} ${target.padEnd(26)} ${Math.round(m.rps)} req/s  p99 ${m.p99Ms.toFixed(2)} ms  ` +
            `${m.cpuUsPerReq.toFixed(1)} µs/req  foreign ${m.foreignPct.toFixed(0)}%  steal ${m.stealPct.toFixed(0)}%`)
        }
      }
    }
    if (process.env.BENCH_GATEWAY_TSV !== undefined) writeFileSync(process.env.BENCH_GATEWAY_TSV, toTsv(measurements))
    const table = `${versions}; ${rounds} round(s) of ${seconds} s per target and size; wrk -t1 -c${CONNECTIONS}; ` +
      `proxy on core ${PROXY_CORE}, upstream + wrk on core ${LOAD_CORE}.\n\n` +
      formatSummary(measurements, REFERENCES) + '\n' + formatQuietRatios(measurements, REFERENCES, QUIET_FOREIGN_PCT) + '\n' +
      formatRounds(measurements)
    return { measurements, table }
  } finally {
    await stop(children.values())
    if (sink !== undefined) log(`OTLP sink: ${sink.exports()} export requests`)
    await sink?.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
