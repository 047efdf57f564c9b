// Gateway macro benchmark: Sluice next to the reverse-proxy peers, through the shared harness
// ../shared/bench/peers.sh (wrk, nginx upstream, one core per proxy). The harness takes a single
// GATEWAY_CMD, so it runs twice: all peers + Sluice with one route, then direct + a few Node peers
// + Sluice with 5,000 routes. Rates are compared through their ratio to the direct upstream of
// the same round, which keeps the two runs on one scale.

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeManyRoutesConfig } from './gateway-routes.js'
import { formatGatewayTable, parseRawTsv, summarize, type GatewayRow } from './gateway-tsv.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const HARNESS = process.env.PEERS_SH ?? join(ROOT, '../shared/bench/peers.sh')
export const REFERENCES = ['nginx', 'haproxy', 'fastify-http-proxy', 'undici-raw'] as const

export interface GatewayBenchOptions {
  /** Short smoke run: 2 s per measurement, one round, few peers. */
  quick?: boolean
}

function run (cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? 1))
  })
}

async function harness (
  name: string, config: string, targets: string, rawOut: string, quick: boolean
): Promise<GatewayRow[]> {
  const cli = join(ROOT, 'dist/cli/main.js')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GATEWAY_NAME: name,
    // exec: the harness measures the CPU of the process it started, which must be node itself.
    GATEWAY_CMD: `exec node ${JSON.stringify(cli)} start -c ${JSON.stringify(config)}`,
    TARGETS: targets,
    RAW_OUT: rawOut,
    ...(quick ? { DURATION: '2', WARMUP: '1', PRIME: '1', ROUNDS: '1', BIG_ROUNDS: '1', QUIET_WAIT: '0', MAX_SECONDS: '90' } : {}),
  }
  const code = await run('bash', [HARNESS], env)
  if (code !== 0 || !existsSync(rawOut)) throw new Error(`peers.sh exited with ${code} for ${name}`)
  return summarize(parseRawTsv(readFileSync(rawOut, 'utf8')))
}

export async function runGatewayBench (
  options: GatewayBenchOptions = {}
): Promise<{ rows: GatewayRow[], table: string }> {
  if (!existsSync(HARNESS)) throw new Error(`peer harness not found at ${HARNESS} (set PEERS_SH)`)
  const quick = options.quick ?? false
  // Benchmark the built output, as users run it; tsx's loader would be measured too otherwise.
  const built = await run('npm', ['run', '--silent', 'build'], process.env)
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('npm run build produced no dist/cli/main.js')
  // tsc still emits on type errors; say so rather than refuse, the numbers are then for that code.
  if (built !== 0) process.stderr.write('bench: npm run build reported errors; benchmarking the emitted dist/\n')
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'))
  try {
    const many = writeManyRoutesConfig(dir)
    const peers = quick
      ? 'direct undici-raw'
      : 'direct node-direct nginx haproxy caddy http-proxy fast-gateway fastify-http-proxy undici-raw'
    const one = await harness('sluice', join(ROOT, 'bench/gateway.yaml'), peers, join(dir, 'one.tsv'), quick)
    const five = await harness('sluice-5000-routes', many, quick ? 'direct' : 'direct fastify-http-proxy undici-raw',
      join(dir, 'many.tsv'), quick)
    // Keep the peers measured in the first run; from the second only the 5,000-route row.
    const rows = [...one, ...five.filter((r) => r.target === 'sluice-5000-routes')]
    const order = (r: GatewayRow): number => r.size === '1KiB' ? 0 : 1
    rows.sort((a, b) => order(a) - order(b))
    return { rows, table: formatGatewayTable(rows, REFERENCES) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
