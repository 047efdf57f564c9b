// The access-control bench (issue 9): one Sluice process, pinned to its own core, serving three
// routes to the same 1 KiB nginx upstream — plain, API-key auth (file store) and RS256 JWT auth
// (JWKS from this process, one token reused as real clients do) — driven by wrk on the other core.
// Rounds interleave the three routes so drift hits them alike; the ratio of each auth route to the
// plain one is taken within a round, and the median round is reported. The bar: ≥ 0.9×.
// Standalone so it stays apart from the gateway bench harness (bench/gateway*.ts), whose nginx
// upstream and wrk parser it borrows.

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { systemClock } from '../src/core/clock.js'
import { FileKeyStore } from '../src/core/keys/file-store.js'
import { createKey } from '../src/core/keys/manage.js'
import type { LoadResult } from './gateway-load.js'
import { upstreamNginx } from './gateway-servers.js'
import { LOAD_CORE, PROXY_CORE, freePort, wrk, waitFor, median } from './harness.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface AuthBenchOptions { quick?: boolean, rounds?: number, seconds?: number, connections?: number }

const SCENARIOS = ['plain', 'apiKey', 'jwt'] as const
type Scenario = typeof SCENARIOS[number]

export async function runAuthBench (
  o: AuthBenchOptions = {}
): Promise<{ table: string, ratios: Record<string, number> }> {
  const rounds = o.rounds ?? (o.quick === true ? 1 : 3)
  const seconds = o.seconds ?? (o.quick === true ? 1 : 5)
  const connections = o.connections ?? 50
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-auth-'))
  const children: ChildProcess[] = []
  const jwks = createServer()
  try {
    const [upPort, gwPort] = [await freePort(), await freePort()]
    children.push(upstreamNginx({ dir, core: LOAD_CORE, port: upPort, upstreamUrl: '' }))

    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const jwk = { ...await exportJWK(publicKey), kid: 'bench', alg: 'RS256', use: 'sig' }
    jwks.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' })
      res.end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>(resolve => jwks.listen(0, '127.0.0.1', resolve))
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`
    const token = await new SignJWT({ sub: 'acme', scope: 'orders:read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
      .setIssuer('https://idp.bench/').setAudience('bench').setIssuedAt().setExpirationTime('2h')
      .sign(privateKey)

    const consumers = { acme: { plan: 'pro', scopes: ['orders:read'], roles: [] } }
    const { key } = await createKey(new FileKeyStore(join(dir, 'keys.json')), consumers, { consumer: 'acme' }, systemClock.wallNow())
    const config = join(dir, 'sluice.yaml')
    writeFileSync(config, `
server: { host: 127.0.0.1, port: ${gwPort}, workers: 1 }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: warn, accessLog: false }
consumers: { acme: { plan: pro, scopes: [orders:read] } }
auth:
  apiKeys: { store: { type: file, path: keys.json } }
  jwt: [{ name: bench, issuer: "https://idp.bench/", audiences: [bench], jwksUrl: "${jwksUrl}", algorithms: [RS256] }]
upstreams: { origin: { targets: [{ url: "http://127.0.0.1:${upPort}" }] } }
routes:
  - { name: plain, match: { path: /plain }, upstream: origin, rewrite: { pattern: ".*", replacement: /1k } }
  - name: apiKey
    match: { path: /key }
    upstream: origin
    rewrite: { pattern: ".*", replacement: /1k }
    auth: { methods: [apiKey], scopes: [orders:read] }
  - name: jwt
    match: { path: /jwt }
    upstream: origin
    rewrite: { pattern: ".*", replacement: /1k }
    auth: { methods: [jwt], scopes: [orders:read] }
`)
    const gw = spawn('taskset', ['-c', String(PROXY_CORE), process.execPath, '--import', 'tsx', join(ROOT, 'src/cli/main.ts'),
      'start', '-c', config], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
    children.push(gw)
    const base = `http://127.0.0.1:${gwPort}`
    const cases: Record<Scenario, { path: string, header: string | undefined }> = {
      plain: { path: '/plain', header: undefined },
      apiKey: { path: '/key', header: `x-api-key: ${key}` },
      jwt: { path: '/jwt', header: `authorization: Bearer ${token}` },
    }
    await waitFor(`${base}/plain`)
    await waitFor(`${base}/key`, { 'x-api-key': key })
    await waitFor(`${base}/jwt`, { authorization: `Bearer ${token}` })
    for (const s of SCENARIOS) await wrk(base + cases[s].path, 1, connections, cases[s].header) // warm-up

    const rows: Array<Record<Scenario, LoadResult>> = []
    for (let r = 0; r < rounds; r++) {
      const row = {} as Record<Scenario, LoadResult>
      // Rotate the order each round so no scenario always runs first.
      for (let i = 0; i < SCENARIOS.length; i++) {
        const s = SCENARIOS[(i + r) % SCENARIOS.length]!
        row[s] = await wrk(base + cases[s].path, seconds, connections, cases[s].header)
        if (row[s].errors !== '') throw new Error(`${s}: ${row[s].errors}`)
      }
      rows.push(row)
    }
    const ratios = {
      apiKey: median(rows.map(r => r.apiKey.rps / r.plain.rps)),
      jwt: median(rows.map(r => r.jwt.rps / r.plain.rps)),
    }
    const lines = ['| round | plain req/s | API key req/s | JWT RS256 req/s | key ÷ plain | JWT ÷ plain |', '|---|---:|---:|---:|---:|---:|']
    rows.forEach((r, i) => lines.push(`| ${i + 1} | ${Math.round(r.plain.rps)} | ${Math.round(r.apiKey.rps)} | ${Math.round(r.jwt.rps)} | ` +
      `${(r.apiKey.rps / r.plain.rps).toFixed(3)} | ${(r.jwt.rps / r.plain.rps).toFixed(3)} |`))
    lines.push('', `median ratios: API key ${ratios.apiKey.toFixed(3)}×, JWT RS256 ${ratios.jwt.toFixed(3)}× ` +
      `(bar ≥ 0.9×; ${rounds} rounds of ${seconds} s, wrk -c${connections} on core ${LOAD_CORE}, sluice on core ${PROXY_CORE}, 1 KiB)`)
    return { table: lines.join('\n'), ratios }
  } finally {
    for (const c of children) c.kill('SIGKILL')
    jwks.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { table } = await runAuthBench({ quick: process.env.BENCH_QUICK === '1' })
  console.log(table)
}
