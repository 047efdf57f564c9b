// Dispatcher benchmarks. (1) Scheduling overhead per job through the full policy stack (retry,
// breaker, scheduler with a token bucket, timeout) with a no-op transport, plain and with a
// whole-call timeout and a caller signal, next to p-limit, p-queue, cockatiel and Bottleneck in the
// same run. (2) Throughput to a fast local node:http supplier through the dispatcher vs raw undici
// driven through the same `Pool.dispatch` handler API as Sluice's transport. (3) Heap per queued
// call with 100k calls waiting. Wall time and this process's CPU time are both reported: the
// machine is shared, and CPU time is what a slow spell of a neighbour disturbs least.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Pool } from 'undici'
import type { Dispatcher } from 'undici'
import pLimit from 'p-limit'
import PQueue from 'p-queue'
import Bottleneck from 'bottleneck'
import { bulkhead, circuitBreaker, ConsecutiveBreaker, handleAll, retry, timeout, TimeoutStrategy, wrap } from 'cockatiel'
import { createDispatcher } from '../src/dispatcher/dispatcher.js'
import type { DispatcherOptions } from '../src/dispatcher/options.js'
import type { SupplierTransport } from '../src/dispatcher/transport.js'

export interface BenchRow {
  bench: string
  name: string
  usPerJob?: number
  /** CPU time (user + system) of this process per job. */
  cpuUsPerJob?: number
  perSec?: number
  ratio?: number
  cpuRatio?: number
  /** Heap bytes per queued call (memory bench). */
  bytesPerCall?: number
}

const CONCURRENCY = 10
const noop = (): Promise<void> => Promise.resolve()

interface Contender {
  name: string
  /** Jobs per round. */
  jobs: number
  /** Runs k jobs; returns ms. */
  run: (k: number) => Promise<number>
  /** Warm-up passes before the first round, so the JIT has compiled the hot path [2 × min(jobs, 5000)]. */
  warmup?: number[]
}

interface Timing { ms: number, cpuMs: number }

/**
 * Contenders run in rounds, each round in a rotated order, and every row reports its median round:
 * the machine is shared and noisy, and a slow spell then hits all contenders alike instead of
 * whichever happened to run during it. Each contender is warmed up before the first round.
 */
async function rounds (count: number, contenders: Contender[]): Promise<Map<string, Timing>> {
  for (const c of contenders) {
    for (const k of c.warmup ?? [Math.min(c.jobs, 5000), Math.min(c.jobs, 5000)]) await c.run(k)
  }
  const times = new Map<string, Timing[]>(contenders.map(c => [c.name, []]))
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length]!
      const cpu0 = process.cpuUsage()
      const ms = await c.run(c.jobs)
      const cpu = process.cpuUsage(cpu0)
      times.get(c.name)!.push({ ms, cpuMs: (cpu.user + cpu.system) / 1000 })
      if (process.env.BENCH_DEBUG === '1') console.error(`round ${r} ${c.name}: ${(ms * 1000 / c.jobs).toFixed(2)} µs/job`)
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
  const medians = (ts: Timing[]): Timing => ({ ms: median(ts.map(t => t.ms)), cpuMs: median(ts.map(t => t.cpuMs)) })
  return new Map([...times].map(([name, ts]) => [name, medians(ts)]))
}

/** Submits n jobs at once and waits for all: ms. */
async function burst (n: number, submit: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  const all: Promise<unknown>[] = new Array(n)
  for (let i = 0; i < n; i++) all[i] = submit()
  await Promise.all(all)
  return performance.now() - t0
}

// Every contender's job is the same no-op: an already resolved promise, nothing allocated.
const answer = Object.freeze({ status: 200, headers: {}, body: Buffer.alloc(0) })
const noopTransport = (): SupplierTransport => ({
  request: () => Promise.resolve(answer),
  close: async () => {},
  destroy: async () => {},
})

/** The whole supplier stack, as the overhead and memory parts run it. */
function fullStack (maxConcurrent: number, maxQueue: number, transport = noopTransport): DispatcherOptions {
  return {
    suppliers: {
      s: {
        baseUrl: 'http://127.0.0.1:1',
        maxConcurrent,
        // High enough never to throttle: the bucket is on the path, its waiting is not measured.
        rateLimit: { rps: 1e9, burst: 1e9 },
        retry: { attempts: 3 },
        circuitBreaker: { failureRatio: 0.5 },
      },
    },
    queue: { maxSize: maxQueue + 1 },
    transport,
  }
}

const SLUICE = 'sluice dispatcher (retry+breaker+priority queue+token bucket+timeout)'
const SLUICE_CUT = 'sluice dispatcher, each call with a timeout and a signal'
const BOTTLENECK = 'bottleneck (a tenth of the jobs; paced by timers: latency, not CPU)'

async function overhead (n: number, count: number): Promise<BenchRow[]> {
  const d = createDispatcher(fullStack(CONCURRENCY, n))
  const limit = pLimit(CONCURRENCY)
  const queue = new PQueue({ concurrency: CONCURRENCY })
  const bottleneck = new Bottleneck({ maxConcurrent: CONCURRENCY })
  const cockatiel = wrap(
    retry(handleAll, { maxAttempts: 2 }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
    bulkhead(CONCURRENCY, n),
    timeout(30_000, TimeoutStrategy.Cooperative)
  )
  // One request descriptor for every job, as every other contender submits the same constant fn.
  const req = Object.freeze({ supplier: 's', path: '/' })
  // The path a caller with a deadline and a cancel button takes: a per-call deadline timer and a
  // link to the caller's signal, both undone when the call ends.
  const never = new AbortController()
  const cut = Object.freeze({ supplier: 's', path: '/', timeout: '30s', signal: never.signal })
  const contenders: [string, () => Promise<unknown>][] = [
    [SLUICE, () => d.request(req)],
    [SLUICE_CUT, () => d.request(cut)],
    ['p-limit', () => limit(noop)],
    ['p-queue', () => queue.add(noop)],
    ['cockatiel (retry+breaker+bulkhead+timeout)', () => cockatiel.execute(noop)],
    // Bottleneck spaces its jobs with timers: its wall time is mostly waiting, not work.
    [BOTTLENECK, () => bottleneck.schedule(noop)],
  ]
  const jobs = (name: string): number => name === BOTTLENECK ? Math.max(100, Math.floor(n / 10)) : n
  const medians = await rounds(count, contenders.map(([name, submit]) => ({
    name, jobs: jobs(name), run: (k: number) => burst(k, submit), warmup: name === BOTTLENECK ? [100] : undefined,
  })))
  await d.close()
  await bottleneck.stop({ dropWaitingJobs: false })
  const rows: BenchRow[] = contenders.map(([name]) => {
    const t = medians.get(name)!
    const usPerJob = t.ms * 1000 / jobs(name)
    return { bench: 'overhead', name, usPerJob, cpuUsPerJob: t.cpuMs * 1000 / jobs(name), perSec: 1e6 / usPerJob }
  })
  const base = rows.find(r => r.name === 'p-limit')!
  for (const r of rows) {
    r.ratio = r.usPerJob! / base.usPerJob!
    r.cpuRatio = r.cpuUsPerJob! / base.cpuUsPerJob!
  }
  return rows
}

/**
 * Raw undici with the handler API Sluice's transport uses (`Pool.dispatch`, body buffered from
 * onData chunks): the baseline shows what the dispatcher adds, not what `pool.request`'s stream costs.
 */
class Buffered implements Dispatcher.DispatchHandler {
  readonly done: Promise<Buffer>
  #resolve!: (b: Buffer) => void
  #reject!: (e: Error) => void
  #chunks: Buffer[] = []
  constructor () {
    this.done = new Promise((resolve, reject) => { this.#resolve = resolve; this.#reject = reject })
  }

  onConnect (): void {}
  onHeaders (): boolean { return true }
  onData (chunk: Buffer): boolean { this.#chunks.push(chunk); return true }
  onComplete (): void {
    this.#resolve(this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks))
  }

  onError (err: Error): void { this.#reject(err) }
}

async function throughput (n: number, count: number): Promise<BenchRow[]> {
  const server = createServer((_req, res) => res.end('ok'))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Same connection count on both sides: the dispatcher's pool has maxConcurrent connections.
  const pool = new Pool(url, { connections: CONCURRENCY, headersTimeout: 0, bodyTimeout: 0 })
  const raw = (): Promise<Buffer> => {
    const h = new Buffered()
    pool.dispatch({ method: 'GET', path: '/', headers: {} }, h)
    return h.done
  }
  const d = createDispatcher({
    suppliers: { s: { baseUrl: url, maxConcurrent: CONCURRENCY, rateLimit: { rps: 1e9, burst: 1e9 } } },
    queue: { maxSize: n + 1 },
  })
  const never = new AbortController()
  const cut = Object.freeze({ supplier: 's', path: '/', timeout: '30s', signal: never.signal })
  // Raw undici is driven by CONCURRENCY loops (its best case); the dispatcher gets everything at
  // once and queues it itself, which is how it is used.
  const loops = async (k: number): Promise<number> => {
    let left = k
    const t0 = performance.now()
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (left-- > 0) await raw() }))
    return performance.now() - t0
  }
  const RAW = 'raw undici Pool.dispatch (buffering handler, as the transport)'
  const medians = await rounds(count, [
    { name: RAW, jobs: n, run: loops },
    { name: 'sluice dispatcher', jobs: n, run: (k) => burst(k, () => d.request({ supplier: 's', path: '/' })) },
    { name: 'sluice dispatcher, timeout + signal', jobs: n, run: (k) => burst(k, () => d.request(cut)) },
  ])
  await d.close()
  await pool.close()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  const rate = (name: string): number => n / (medians.get(name)!.ms / 1000)
  const cpu = (name: string): number => medians.get(name)!.cpuMs * 1000 / n
  const rawRate = rate(RAW)
  return [RAW, 'sluice dispatcher', 'sluice dispatcher, timeout + signal'].map(name => ({
    bench: 'throughput',
    name,
    perSec: rate(name),
    ratio: rate(name) / rawRate,
    cpuUsPerJob: cpu(name),
    cpuRatio: cpu(name) / cpu(RAW),
  }))
}

/** Heap per call while `n` calls wait in the queue behind one that never finishes. */
async function memory (n: number): Promise<BenchRow[]> {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  let gate = Promise.resolve()
  const d = createDispatcher(fullStack(1, n, () => ({
    request: () => gate.then(() => answer),
    close: async () => {},
    destroy: async () => {},
  })))
  const never = new AbortController()
  const kinds: [string, object][] = [
    ['queued call', { supplier: 's', path: '/' }],
    ['queued call with a timeout and a signal', { supplier: 's', path: '/', timeout: '1h', signal: never.signal }],
  ]
  const rows: BenchRow[] = []
  // The first pass warms the code up; the second is measured.
  for (const pass of [0, 1]) {
    for (const [name, req] of kinds) {
      let release!: () => void
      gate = new Promise<void>(resolve => { release = resolve })
      gc()
      gc()
      const before = process.memoryUsage().heapUsed
      const all: Promise<unknown>[] = []
      for (let i = 0; i < n; i++) all.push(d.request(req as { supplier: string, path: string }))
      await new Promise(resolve => setImmediate(resolve))
      gc()
      gc()
      const bytes = process.memoryUsage().heapUsed - before
      release()
      await Promise.all(all)
      if (pass === 1) rows.push({ bench: 'memory', name: `${name} (${n.toLocaleString('en-US')} waiting)`, bytesPerCall: bytes / n })
    }
  }
  await d.close()
  return rows
}

export async function runDispatcherBench (opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const quick = opts.quick ?? false
  const count = quick ? 3 : 5
  return [
    ...await overhead(quick ? 5000 : 100_000, count),
    ...await throughput(quick ? 1000 : 20_000, count),
    ...await memory(quick ? 10_000 : 100_000),
  ]
}

export function formatRows (rows: BenchRow[]): string {
  const num = (x: number | undefined, digits = 2): string => x === undefined ? '' : x.toFixed(digits)
  const lines = [
    '| bench | contender | µs/job | CPU µs/job | per second | ratio | CPU ratio |',
    '|---|---|---:|---:|---:|---:|---:|',
  ]
  for (const r of rows.filter(r => r.bench !== 'memory')) {
    const perSec = r.perSec === undefined ? '' : Math.round(r.perSec).toLocaleString('en-US')
    lines.push(`| ${r.bench} | ${r.name} | ${num(r.usPerJob)} | ${num(r.cpuUsPerJob)} | ${perSec} | ${num(r.ratio)} | ${num(r.cpuRatio)} |`)
  }
  const mem = rows.filter(r => r.bench === 'memory')
  if (mem.length > 0) {
    lines.push('', '| memory | heap bytes per call |', '|---|---:|')
    for (const r of mem) lines.push(`| ${r.name} | ${Math.round(r.bytesPerCall!)} |`)
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatRows(await runDispatcherBench({ quick: process.env.BENCH_QUICK === '1' })))
}
