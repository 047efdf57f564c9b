// Micro-benchmark of router.match with a small and a large route table. The large one must cost
// about what the small one costs: lookups walk the request's segments, never the route list.
// Run alone with `tsx bench/router.ts [timeMs]`, or through `npm run bench`.

import { pathToFileURL } from 'node:url'
import { Bench } from 'tinybench'
import { compileRouter } from '../src/gateway/router/router.js'
import type { RouteDef, RouteMatchDef, RouteRequest } from '../src/gateway/router/types.js'

export interface RouterBenchRow {
  name: string
  opsPerSec: number
  nsPerOp: number
}

/**
 * tinybench times every call of a task with two clock reads, which costs about as much as a
 * match; so each call runs a batch of matches and the results are divided back per match.
 */
const BATCH = 100

const RESOURCES = ['users', 'orders', 'items', 'invoices', 'carts', 'search', 'health']

/** A realistic mix: mostly prefixes, every 10th with a param, every 25th on its own host, a few regexes. */
function routes (n: number): Array<RouteDef<number>> {
  const defs: Array<RouteDef<number>> = []
  for (let i = 0; i < n; i++) {
    const res = RESOURCES[i % RESOURCES.length] as string
    const match: RouteMatchDef = i % 10 === 3
      ? { path: `/svc${i}/v1/${res}/:id` }
      : i % 50 === 7 ? { pathExact: `/svc${i}/v1/${res}` } : { path: `/svc${i}/v1/${res}` }
    if (i % 25 === 5) match.host = `svc${i}.example.com`
    if (i % 40 === 9) match.methods = ['GET', 'POST']
    defs.push({ name: `r${i}`, match, priority: 0, payload: i })
  }
  for (let k = 0; k < Math.min(5, Math.ceil(n / 10)); k++) {
    defs.push({ name: `re${k}`, match: { pathRegex: `^/legacy${k}/(?<rest>.*)$` }, priority: 0, payload: -1 })
  }
  defs.push({ name: 'wild', match: { path: '/', host: '*.internal.example.com' }, priority: 0, payload: -2 })
  return defs
}

const req = (path: string, query = ''): RouteRequest =>
  ({ method: 'GET', host: 'api.example.com:8080', path, query, headers: { accept: 'application/json' } })

function cases (n: number): Array<[string, RouteRequest, string | undefined]> {
  const last = n - 1
  const param = last - ((last - 3) % 10 + 10) % 10
  return [
    ['hit near the end', req(`/svc${last - 1}/v1/${RESOURCES[(last - 1) % RESOURCES.length]}/x/y`, 'a=1'), `r${last - 1}`],
    ['hit with param', req(`/svc${param}/v1/${RESOURCES[param % RESOURCES.length]}/42`), `r${param}`],
    ['miss', req('/nothing/here'), undefined],
  ]
}

export async function runRouterBench (opts: { time?: number } = {}): Promise<RouterBenchRow[]> {
  const time = opts.time ?? 500
  const bench = new Bench({ time, warmupTime: Math.min(100, time) })
  let sink: unknown
  for (const n of [10, 5000]) {
    const router = compileRouter(routes(n))
    for (const [label, request, want] of cases(n)) {
      const got = router.match(request)?.route.name
      if (got !== want) throw new Error(`router bench setup: ${label} with ${n} routes matched ${got}, not ${want}`)
      bench.add(`match ${n} routes: ${label}`, () => {
        for (let i = 0; i < BATCH; i++) sink = router.match(request)
      })
    }
  }
  await bench.run()
  if (sink === null) console.log('unreachable')
  return bench.tasks.map((task) => {
    const result = task.result
    if (result === undefined || result.error !== undefined) {
      throw new Error(`router bench task ${task.name} failed`, { cause: result?.error })
    }
    // `period` is total time over iterations, so ops/s and ns/op describe the same run.
    const msPerMatch = result.period / BATCH
    return { name: task.name, opsPerSec: 1000 / msPerMatch, nsPerOp: msPerMatch * 1e6 }
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runRouterBench({ time: Number(process.argv[2] ?? 500) })
  console.table(rows.map((r) => ({ name: r.name, 'ops/s': Math.round(r.opsPerSec), 'ns/op': Math.round(r.nsPerOp) })))
}
