// The gateway bench's own arithmetic: wrk parsing, per-round ratios and the /proc accounting.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cpuWindow, ticksOf, treeOf } from '../bench/gateway-cpu.js'
import type { CpuSample } from '../bench/gateway-cpu.js'
import { parseWrk } from '../bench/gateway-load.js'
import { formatQuietRatios, roundRatios } from '../bench/gateway-report.js'
import type { Measurement } from '../bench/gateway-report.js'

test('wrk output is parsed into rate, count, percentiles and error lines', () => {
  const out = `Running 6s test @ http://127.0.0.1:1/1k
  1 threads and 64 connections
  Latency Distribution
     50%    2.81ms
     75%    3.10ms
     90%  800.00us
     99%    1.20s
  95540 requests in 6.00s, 112.25MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  15918.42
Transfer/sec:     18.70MB
`
  assert.deepEqual(parseWrk(out), { rps: 15918.42, requests: 95540, p50Ms: 2.81, p99Ms: 1200, errors: 'Non-2xx or 3xx responses: 3' })
})

const m = (round: number, target: string, rps: number, foreignPct = 0): Measurement => ({
  size: '1KiB', round, target, rps, p50Ms: 1, p99Ms: 2, errors: '', cpuUsPerReq: 10, foreignPct, stealPct: 0,
})

test('ratios are taken within a round, and the quiet table keeps only rounds quiet for both', () => {
  const ms = [m(1, 'a', 200), m(1, 'ref', 100), m(2, 'a', 90, 50), m(2, 'ref', 60), m(3, 'a', 30)]
  assert.deepEqual(roundRatios(ms, '1KiB', 'a', 'ref'), [2, 1.5])
  assert.match(formatQuietRatios(ms, ['ref'], 10), /\| a \| 2\.00 \(1\) \|/)
})

function sample (atMs: number, busy: number, procs: Array<[number, number, number, number]>): CpuSample {
  const table = new Map(procs.map(([pid, ppid, own, reaped]) => [pid, [ppid, own, reaped] as const]))
  return { atMs, busy, steal: 0, cores: [], procs: table }
}

test('CPU accounting: a process tree, a process new in the window, and foreign = machine minus ours', () => {
  const a = sample(0, 1000, [[10, 1, 100, 0], [11, 10, 50, 0], [20, 1, 7, 0]])
  const b = sample(1000, 1150, [[10, 1, 130, 0], [11, 10, 70, 0], [12, 11, 5, 0], [20, 1, 9, 0]])
  assert.deepEqual([...treeOf([10], a, b)].sort(), [10, 11, 12])
  assert.equal(ticksOf(treeOf([10], a, b), a, b), 30 + 20 + 5)
  // 150 ticks in 1 s on the machine; ours 55 (+ this process, absent from the samples): 95 foreign.
  const w = cpuWindow(a, b, [10], [], 55_000)
  assert.equal(w.proxyUsPerReq, 55 / 100 * 1e6 / 55_000)
  assert.equal(w.foreignPct, 95)
})
