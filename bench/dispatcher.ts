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

async function timeJobs (n: number, submit: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  const all: Promise<unknown>[] = new Array(n)
  for (let i = 0; i < n; i++) all[i] = submit()
  await Promise.all(all)
  return performance.now() - t0
}

async function overhead (n: number): Promise<BenchRow[]> {
  const noopTransport = (): SupplierTransport => ({
    request: async () => ({ status: 200, headers: {}, body: Buffer.alloc(0) }),
    close: async () => {},
    destroy: async () => {},
  })
  const d = createDispatcher({
    suppliers: {
      s: {
        baseUrl: 'http://127.0.0.1:1',
        maxConcurrent: CONCURRENCY,
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
  const contenders: [string, () => Promise<unknown>][] = [
    ['sluice dispatcher (retry+breaker+priority queue+token bucket+timeout)', () => d.request({ supplier: 's', path: '/' })],
    ['p-limit', () => limit(noop)],
    ['p-queue', () => queue.add(noop)],
    ['cockatiel (retry+breaker+bulkhead+timeout)', () => cockatiel.execute(noop)],
    ['bottleneck', () => bottleneck.schedule(noop)],
  ]
  const rows: BenchRow[] = []
  for (const [name, submit] of contenders) {
    await timeJobs(Math.min(n, 2000), submit)
    const ms = await timeJobs(n, submit)
    rows.push({ bench: 'overhead', name, usPerJob: ms * 1000 / n, perSec: n / (ms / 1000) })
  }
  await d.close()
  await bottleneck.stop({ dropWaitingJobs: false })
  const base = rows.find(r => r.name === 'p-limit')!.usPerJob!
  for (const r of rows) r.ratio = r.usPerJob! / base
  return rows
}

async function throughput (n: number): Promise<BenchRow[]> {
  const server = createServer((_req, res) => res.end('ok'))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const pool = new Pool(url, { connections: CONCURRENCY })
  const raw = async (): Promise<void> => {
    const res = await pool.request({ path: '/', method: 'GET' })
    await res.body.arrayBuffer()
  }
  const d = createDispatcher({
    suppliers: { s: { baseUrl: url, maxConcurrent: CONCURRENCY } },
    queue: { maxSize: n + 1 },
  })
  const viaDispatcher = async (): Promise<void> => { await d.request({ supplier: 's', path: '/' }) }
  // Raw undici is driven by CONCURRENCY loops (its best case); the dispatcher gets everything at
  // once and queues it itself, which is how it is used.
  const loops = async (fn: () => Promise<void>): Promise<number> => {
    let left = n
    const t0 = performance.now()
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (left-- > 0) await fn() }))
    return performance.now() - t0
  }
  await loops(raw)
  const rawMs = await loops(raw)
  await timeJobs(Math.min(n, 500), viaDispatcher)
  const dMs = await timeJobs(n, viaDispatcher)
  await d.close()
  await pool.close()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  const rawRate = n / (rawMs / 1000)
  const dRate = n / (dMs / 1000)
  return [
    { bench: 'throughput', name: 'raw undici Pool.request', perSec: rawRate, ratio: 1 },
    { bench: 'throughput', name: 'sluice dispatcher', perSec: dRate, ratio: dRate / rawRate },
  ]
}

export async function runDispatcherBench (opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const quick = opts.quick ?? false
  return [...await overhead(quick ? 5000 : 100_000), ...await throughput(quick ? 1000 : 20_000)]
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
