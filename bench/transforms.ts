// Transform overhead (issue 11): one Sluice process, three routes to the same upstream, measured in
// turn inside each round so slow and fast periods of the machine hit all three alike.
//
//   before   the plain route on the code just before the transform stage existed (a second
//            Sluice, checked out from git into a temporary worktree): "a route without transforms
//            keeps today's speed" is plain ÷ before
//   plain    no transform (the bar's baseline)
//   headers  request set/add/remove/rename with templates, response remove/set   bar: ≥ 0.95× plain
//   json     a 1 KiB JSON response with remove (incl. `*`), rename and set       reported
//
// Layout on a 2-core machine: Sluice alone on core 1; the upstream (nginx, one worker, answering
// 1 KiB of JSON) and wrk share core 0. CPU per request is Sluice's own utime+stime from
// /proc over the run, divided by the requests wrk completed.
//
// Knobs (env): BENCH_TRANSFORMS_ROUNDS [5], BENCH_TRANSFORMS_SECONDS [5] per measurement,
// BENCH_TRANSFORMS_BEFORE [ef98cdb^, the parent of the commit that added the transform stage; `none`
// skips it]. Only one Sluice is loaded at a time, both pinned to the proxy core.

import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const LOAD_CORE = 0
const PROXY_CORE = 1
const CONNECTIONS = 32
const ROUTES = ['plain', 'headers', 'json'] as const
type Route = typeof ROUTES[number] | 'before'
const BEFORE_REV = process.env.BENCH_TRANSFORMS_BEFORE ?? 'ef98cdb^'

const JSON_1K = JSON.stringify({
  id: 'ord_1',
  secret: 'sk_live_x',
  user_name: 'ann',
  items: Array.from({ length: 12 }, (_, i) => ({ id: i, sku: `sku-${i}`, internalId: `int-${i}`, qty: 1 })),
  note: 'x'.repeat(200),
})

/** nginx answers the JSON from `return` (no file I/O), so the shared load core stays mostly wrk's. */
const nginxConf = (dir: string, port: number): string => `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(k => `  ${k}_temp_path ${dir}/${k};`).join('\n')}
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 10000000;
    location / {
      default_type application/json;
      add_header x-powered-by nginx;
      return 200 '${JSON_1K}';
    }
  }
}
`

/** What the code before transforms also understands: the plain route alone. */
const plainConfig = (port: number, upstream: number): string => `
server: { port: ${port}, host: 127.0.0.1, workers: 1 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: warn, accessLog: false }
upstreams:
  up: { targets: [{ url: "http://127.0.0.1:${upstream}" }] }
routes:
  - { name: plain, match: { path: /plain }, upstream: up }
`
const config = (port: number, upstream: number): string => plainConfig(port, upstream) + `
  - name: headers
    match: { path: /headers }
    upstream: up
    transform:
      request:
        headers:
          set: { x-tenant: "t-\${request.header.x-team}", x-route: "\${route.name}" }
          add: { x-forwarded-client: "\${client.ip}" }
          remove: [x-debug]
          rename: { x-old-name: x-new-name }
      response:
        headers: { remove: [server, x-powered-by], set: { cache-control: no-store } }
  - name: json
    match: { path: /json }
    upstream: up
    transform:
      response:
        json:
          remove: ["/secret", "/items/*/internalId"]
          rename: { "/user_name": "/userName" }
          set: { "/served/by": "\${route.name}" }
`

export interface TransformBenchOptions { quick?: boolean }

interface Row { route: Route, rps: number, cpuUsPerReq: number }

const log = (msg: string): void => { process.stderr.write(`[transforms bench] ${msg}\n`) }
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!
}

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      s.close(() => { resolve(typeof addr === 'object' && addr !== null ? addr.port : 0) })
    })
    s.on('error', reject)
  })
}

/** utime + stime of `pid` in clock ticks (proc(5) fields 14 and 15; the name may hold spaces). */
function cpuTicks (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

const TICK_US = 1e6 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || '100')

function wrk (url: string, seconds: number): Promise<{ rps: number, requests: number, errors: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(LOAD_CORE), 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`,
      '-H', 'x-team: payments', '-H', 'x-debug: 1', '-H', 'x-old-name: a', url], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.stderr.on('data', (c: Buffer) => { out += c.toString() })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${out.trim().slice(0, 200)}`))
      resolve({
        rps: Number(/^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1] ?? NaN),
        requests: Number(/^\s*(\d+) requests in/m.exec(out)?.[1] ?? NaN),
        errors: out.split('\n').filter(l => /Non-2xx|Socket errors/.test(l)).map(l => l.trim()).join('; '),
      })
    })
  })
}

async function waitFor (url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.ok) return
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`${url} did not answer`)
}

export async function runTransformBench (options: TransformBenchOptions = {}): Promise<string> {
  if (!has('wrk') || !has('taskset') || !has('nginx')) throw new Error('needs wrk, taskset and nginx')
  const rounds = options.quick === true ? 1 : Number(process.env.BENCH_TRANSFORMS_ROUNDS ?? 5)
  const seconds = options.quick === true ? 1 : Number(process.env.BENCH_TRANSFORMS_SECONDS ?? 5)
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-transforms-'))
  const children: ChildProcess[] = []
  try {
    const upPort = await freePort()
    const gwPort = await freePort()
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, upPort))
    writeFileSync(join(dir, 'sluice.yaml'), config(gwPort, upPort))
    children.push(spawn('taskset', ['-c', String(LOAD_CORE), 'nginx', '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'nginx-error.log')],
      { stdio: 'ignore' }))
    const gw = startSluice(ROOT, join(dir, 'sluice.yaml'))
    children.push(gw)
    const base = `http://127.0.0.1:${gwPort}`
    // Each measured thing: the process whose CPU is counted and the URL wrk loads.
    const targets: Array<{ route: Route, pid: number, url: string }> =
      ROUTES.map(route => ({ route, pid: gw.pid!, url: `${base}/${route}` }))
    const old = BEFORE_REV === 'none' ? undefined : checkoutBefore(dir, BEFORE_REV)
    if (old !== undefined) {
      const oldPort = await freePort()
      writeFileSync(join(dir, 'before.yaml'), plainConfig(oldPort, upPort))
      const before = startSluice(old, join(dir, 'before.yaml'))
      children.push(before)
      targets.unshift({ route: 'before', pid: before.pid!, url: `http://127.0.0.1:${oldPort}/plain` })
    }
    for (const t of targets) await waitFor(t.url)
    for (const t of targets) await wrk(t.url, 1)
    const rows: Row[][] = []
    for (let round = 1; round <= rounds; round++) {
      const measured: Row[] = []
      for (const { route, pid, url } of targets) {
        const before = cpuTicks(pid)
        const w = await wrk(url, seconds)
        const ticks = cpuTicks(pid) - before
        if (w.errors !== '') throw new Error(`${route}: ${w.errors}`)
        measured.push({ route, rps: w.rps, cpuUsPerReq: ticks * TICK_US / w.requests })
      }
      log(`round ${round}: ${measured.map(m => `${m.route} ${Math.round(m.rps)} req/s ${m.cpuUsPerReq.toFixed(1)} µs`).join(', ')}`)
      rows.push(measured)
    }
    return table(rows, old === undefined ? undefined : BEFORE_REV)
  } finally {
    // SIGTERM, not SIGKILL: the nginx master must live long enough to stop its worker.
    for (const c of children) c.kill('SIGTERM')
    await Promise.all(children.map(c => c.exitCode === null && c.signalCode === null
      ? new Promise(resolve => c.once('exit', resolve))
      : undefined))
    if (BEFORE_REV !== 'none') spawnSync('git', ['worktree', 'remove', '--force', join(dir, 'before')], { cwd: ROOT })
    rmSync(dir, { recursive: true, force: true })
  }
}

function startSluice (root: string, configFile: string): ChildProcess {
  return spawn('taskset', ['-c', String(PROXY_CORE), process.execPath, '--import', 'tsx',
    join(root, 'src/cli/main.ts'), 'start', '-c', configFile], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}

/** The older code in a detached worktree sharing our node_modules; undefined (and said) when git cannot. */
function checkoutBefore (dir: string, rev: string): string | undefined {
  const into = join(dir, 'before')
  const r = spawnSync('git', ['worktree', 'add', '--detach', into, rev], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) {
    log(`no "before" row: git worktree add ${rev} failed (${r.stderr.trim().split('\n').pop() ?? ''})`)
    return undefined
  }
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'))
  return into
}

function table (rounds: Row[][], beforeRev: string | undefined): string {
  const lines = [
    `Sluice on one core, ${CONNECTIONS} connections, ${rounds.length} round(s) of the routes in turn; medians.`,
    'req/s ratio: route ÷ plain in the same round. CPU ratio: plain µs ÷ route µs, the throughput ratio a',
    'saturated Sluice core would show (on 2 cores wrk and nginx share one, so req/s is often their limit).',
    '',
    '| route | req/s | CPU µs/req | req/s ratio | CPU ratio |',
    '|---|---:|---:|---:|---:|',
  ]
  const pick = (r: Row[], route: Route): Row => r.find(x => x.route === route)!
  const shown: Route[] = beforeRev === undefined ? [...ROUTES] : ['before', ...ROUTES]
  for (const route of shown) {
    const of = rounds.map(r => pick(r, route))
    const rps = median(rounds.map(r => pick(r, route).rps / pick(r, 'plain').rps))
    const cpu = median(rounds.map(r => pick(r, 'plain').cpuUsPerReq / pick(r, route).cpuUsPerReq))
    const label = route === 'before' ? `plain, before transforms (${beforeRev})` : route
    lines.push(`| ${label} | ${Math.round(median(of.map(x => x.rps))).toLocaleString('en-US')} | ` +
      `${median(of.map(x => x.cpuUsPerReq)).toFixed(1)} | ${rps.toFixed(3)} | ${cpu.toFixed(3)} |`)
  }
  if (beforeRev !== undefined) {
    const rps = median(rounds.map(r => pick(r, 'plain').rps / pick(r, 'before').rps))
    const cpu = median(rounds.map(r => pick(r, 'before').cpuUsPerReq / pick(r, 'plain').cpuUsPerReq))
    lines.push('', `A route without transforms today ÷ the same route before transforms existed: ${rps.toFixed(3)}× req/s, ` +
      `${cpu.toFixed(3)}× by CPU (everything else that landed since ${beforeRev} is in this ratio too).`)
  }
  return lines.join('\n')
}
