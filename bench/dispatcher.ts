// Dispatcher benchmarks. (1) Scheduling overhead per job through the full policy stack (retry,
// breaker, scheduler with a token bucket, timeout) with a no-op transport, next to p-limit,
// p-queue, cockatiel and Bottleneck in the same run. (2) Throughput to a fast local node:http
// supplier through the dispatcher vs raw undici Pool.request. Real numbers: a quiet machine.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import pLimit from 'p-limit'
import PQueue from 'p-queue'
import Bottleneck from 'bottleneck'
import { bulkhead, circuitBreaker, ConsecutiveBreaker, handleAll, retry, timeout, TimeoutStrategy, wrap } from 'cockatiel'
import { createDispatcher } from '../src/dispatcher/dispatcher.js'
import type { SupplierTransport } from '../src/dispatcher/transport.js'

export interface BenchRow { bench: string, name: string, usPerJob?: number, perSec: number, ratio?: number }

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

/**
 * Contenders run in rounds, each round in a rotated order, and every row reports its median round:
 * the machine is shared and noisy, and a slow spell then hits all contenders alike instead of
 * whichever happened to run during it. Each contender is warmed up before the first round.
 */
async function rounds (count: number, contenders: Contender[]): Promise<Map<string, number>> {
  for (const c of contenders) {
    for (const k of c.warmup ?? [Math.min(c.jobs, 5000), Math.min(c.jobs, 5000)]) await c.run(k)
  }
  const times = new Map<string, number[]>(contenders.map(c => [c.name, []]))
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length]!
      const ms = await c.run(c.jobs)
      times.get(c.name)!.push(ms)
      if (process.env.BENCH_DEBUG === '1') console.error(`round ${r} ${c.name}: ${(ms * 1000 / c.jobs).toFixed(2)} µs/job`)
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
  return new Map([...times].map(([name, xs]) => [name, median(xs)]))
}

/** Submits n jobs at once and waits for all: ms. */
async function burst (n: number, submit: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  const all: Promise<unknown>[] = new Array(n)
  for (let i = 0; i < n; i++) all[i] = submit()
  await Promise.all(all)
  return performance.now() - t0
}

async function overhead (n: number, count: number): Promise<BenchRow[]> {
  // Every contender's job is the same no-op: an already resolved promise, nothing allocated.
  const answer = Object.freeze({ status: 200, headers: {}, body: Buffer.alloc(0) })
  const noopTransport = (): SupplierTransport => ({
    request: () => Promise.resolve(answer),
    close: async () => {},
    destroy: async () => {},
  })
  const d = createDispatcher({
    suppliers: {
      s: {
        baseUrl: 'http://127.0.0.1:1',
        maxConcurrent: CONCURRENCY,
        // High enough never to throttle: the bucket is on the path, its waiting is not measured.
        rateLimit: { rps: 1e9, burst: 1e9 },
        retry: { attempts: 3 },
        circuitBreaker: { failureRatio: 0.5 },
      },
    },
    queue: { maxSize: n + 1 },
    transport: noopTransport,
  })
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
  const contenders: [string, () => Promise<unknown>][] = [
    ['sluice dispatcher (retry+breaker+priority queue+token bucket+timeout)', () => d.request(req)],
    ['p-limit', () => limit(noop)],
    ['p-queue', () => queue.add(noop)],
    ['cockatiel (retry+breaker+bulkhead+timeout)', () => cockatiel.execute(noop)],
    // Bottleneck manages a few hundred jobs a second: a tenth of the jobs keeps the run short.
    ['bottleneck (a tenth of the jobs)', () => bottleneck.schedule(noop)],
  ]
  const jobs = (name: string): number => name.startsWith('bottleneck') ? Math.max(100, Math.floor(n / 10)) : n
  const medians = await rounds(count, contenders.map(([name, submit]) =>
    ({ name, jobs: jobs(name), run: (k: number) => burst(k, submit), warmup: name.startsWith('bottleneck') ? [100] : undefined })))
  await d.close()
  await bottleneck.stop({ dropWaitingJobs: false })
  const rows: BenchRow[] = contenders.map(([name]) => {
    const usPerJob = medians.get(name)! * 1000 / jobs(name)
    return { bench: 'overhead', name, usPerJob, perSec: 1e6 / usPerJob }
  })
  const base = rows.find(r => r.name === 'p-limit')!.usPerJob!
  for (const r of rows) r.ratio = r.usPerJob! / base
  return rows
}

async function throughput (n: number, count: number): Promise<BenchRow[]> {
  const server = createServer((_req, res) => res.end('ok'))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Same connection count on both sides: the dispatcher's pool has maxConcurrent connections.
  const pool = new Pool(url, { connections: CONCURRENCY })
  const raw = async (): Promise<void> => {
    const res = await pool.request({ path: '/', method: 'GET' })
    await res.body.arrayBuffer()
  }
  const d = createDispatcher({
    suppliers: { s: { baseUrl: url, maxConcurrent: CONCURRENCY, rateLimit: { rps: 1e9, burst: 1e9 } } },
    queue: { maxSize: n + 1 },
  })
  // Raw undici is driven by CONCURRENCY loops (its best case); the dispatcher gets everything at
  // once and queues it itself, which is how it is used.
  const loops = async (k: number): Promise<number> => {
    let left = k
    const t0 = performance.now()
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (left-- > 0) await raw() }))
    return performance.now() - t0
  }
  const medians = await rounds(count, [
    { name: 'raw undici Pool.request', jobs: n, run: loops },
    { name: 'sluice dispatcher', jobs: n, run: (k) => burst(k, () => d.request({ supplier: 's', path: '/' })) },
  ])
  await d.close()
  await pool.close()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  const rawRate = n / (medians.get('raw undici Pool.request')! / 1000)
  const dRate = n / (medians.get('sluice dispatcher')! / 1000)
  return [
    { bench: 'throughput', name: 'raw undici Pool.request', perSec: rawRate, ratio: 1 },
    { bench: 'throughput', name: 'sluice dispatcher', perSec: dRate, ratio: dRate / rawRate },
  ]
}

export async function runDispatcherBench (opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const quick = opts.quick ?? false
  const count = quick ? 3 : 5
  return [...await overhead(quick ? 5000 : 100_000, count), ...await throughput(quick ? 1000 : 20_000, count)]
}

export function formatRows (rows: BenchRow[]): string {
  const lines = ['| bench | contender | µs/job | per second | ratio |', '|---|---|---:|---:|---:|']
  for (const r of rows) {
    lines.push(`| ${r.bench} | ${r.name} | ${r.usPerJob?.toFixed(2) ?? ''} | ${Math.round(r.perSec).toLocaleString('en-US')} | ${r.ratio?.toFixed(2) ?? ''} |`)
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatRows(await runDispatcherBench({ quick: process.env.BENCH_QUICK === '1' })))
}
