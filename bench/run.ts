// `npm run bench`: the micro benchmarks (router, dispatcher), the gateway macro benchmark against
// its peers, the transform stage's cost, rate-limited routes against a plain one (bench/rate-limits.ts),
// the auth routes' ratio to a plain route (bench/auth.ts) and an upstream with every resilience
// policy against a bare one (bench/resilience.ts), and the access log's cost per line against pino
// (bench/access-log.ts).
// BENCH_QUICK=1 makes every part short (a smoke run, not a measurement);
// BENCH_ONLY=router,dispatcher,gateway,transforms,rate-limits,auth,resilience,access-log picks parts. A part
// that cannot run (missing harness or tools) is reported and skipped so the others still print.
const quick = process.env.BENCH_QUICK === '1'
const parts = process.env.BENCH_ONLY ?? 'router,dispatcher,gateway,transforms,rate-limits,auth,resilience,access-log'
const only = new Set(parts.split(',').map((s) => s.trim()))

interface MicroRow { name: string, opsPerSec: number, nsPerOp: number }

function microTable (rows: MicroRow[]): string {
  const lines = ['| benchmark | ops/s | ns/op |', '|---|---:|---:|']
  for (const r of rows) lines.push(`| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${r.nsPerOp.toFixed(0)} |`)
  return lines.join('\n')
}

async function part (name: string, fn: () => Promise<string>): Promise<void> {
  if (!only.has(name)) return
  console.log(`\n## ${name}${quick ? ' (BENCH_QUICK: smoke run, numbers are not measurements)' : ''}\n`)
  try {
    console.log(await fn())
  } catch (err) {
    console.log(`skipped: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 1
  }
}

await part('router', async () => {
  const { runRouterBench } = await import('./router.js')
  return microTable(await runRouterBench({ time: quick ? 100 : 1000 }))
})

await part('dispatcher', async () => {
  const { runDispatcherBench, formatRows } = await import('./dispatcher.js')
  return formatRows(await runDispatcherBench({ quick }))
})

await part('gateway', async () => {
  const { runGatewayBench } = await import('./gateway.js')
  return (await runGatewayBench({ quick })).table
})

await part('transforms', async () => {
  const { runTransformBench } = await import('./transforms.js')
  return runTransformBench({ quick })
})

await part('rate-limits', async () => {
  const { runRateLimitBench } = await import('./rate-limits.js')
  return (await runRateLimitBench({ quick })).table
})

await part('auth', async () => {
  const { runAuthBench } = await import('./auth.js')
  return (await runAuthBench({ quick })).table
})

await part('resilience', async () => {
  const { runResilienceBench } = await import('./resilience.js')
  return (await runResilienceBench({ quick })).table
})

await part('access-log', async () => {
  const { runAccessLogBench } = await import('./access-log.js')
  return (await runAccessLogBench({ quick })).table
})
