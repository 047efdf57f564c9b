// Starts a real gateway from a YAML string (written to a temp dir) on port 0, with its log lines
// captured, and helpers to reload with new YAML and to close everything.

import cluster from 'node:cluster'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Clock } from '../../src/core/clock.js'
import { runClustered } from '../../src/gateway/cluster.js'
import { workerHealthBus } from '../../src/gateway/cluster-health.js'
import { createGateway } from '../../src/gateway/gateway.js'
import type { Gateway, ReloadResult } from '../../src/gateway/gateway.js'
import { createLogger } from '../../src/observability/logger.js'

export interface TestGateway {
  readonly url: string
  readonly port: number
  readonly gateway: Gateway
  readonly file: string
  /** Parsed log lines, in order. */
  readonly logs: Array<Record<string, unknown>>
  /** Access-log lines only. */
  access (): Array<Record<string, unknown>>
  /** Waits (bounded) until `count` access lines exist, and returns the last one. */
  lastAccess (count: number): Promise<Record<string, unknown>>
  reload (yaml: string): Promise<ReloadResult>
  close (): Promise<void>
}

export interface StartOptions {
  clock?: Clock
  random?: () => number
}

/** `yaml` gets `server: { port: 0 }` prepended unless it has its own `server:` section. */
export async function startGateway (yaml: string, options: StartOptions = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-gw-'))
  const file = join(dir, 'sluice.yaml')
  const withServer = (y: string): string => /^server:/m.test(y) ? y : `server:\n  port: 0\n${y}`
  writeFileSync(file, withServer(yaml))
  const logs: Array<Record<string, unknown>> = []
  const destination = new Writable({
    write (chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line !== '') logs.push(JSON.parse(line))
      cb()
    },
  })
  const gateway = await createGateway({
    configPath: file,
    logger: createLogger({ level: 'info', destination }),
    clock: options.clock,
    random: options.random,
  })
  const { port } = await gateway.listen()
  const access = (): Array<Record<string, unknown>> => {
    // Lines of requests already over may still wait in the access log's batch.
    gateway.flushAccessLog()
    return logs.filter(l => l.msg === 'access')
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    gateway,
    file,
    logs,
    access,
    async lastAccess (count) {
      // The line is written on the response's 'close', which may trail the client's 'end'.
      for (let i = 0; i < 200 && access().length < count; i++) {
        await new Promise(resolve => setTimeout(resolve, 5))
      }
      return access().at(-1)!
    },
    reload (y) {
      writeFileSync(file, withServer(y))
      return gateway.reload()
    },
    async close () {
      await gateway.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface SendOptions {
  method?: string
  headers?: Record<string, string | string[]> | string[]
  /** A whole body (sent with Content-Length) or chunks (sent chunked). */
  body?: string | Buffer | Array<string | Buffer>
}

export interface SendResult {
  status: number
  headers: IncomingHttpHeaders
  body: string
  json<T = Record<string, unknown>> (): T
}

/** One request on its own connection (no agent), so tests never share or leak sockets. */
export function send (base: string, path: string, options: SendOptions = {}): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, base)
    let headers = options.headers
    // node:http adds Host only for object headers; a raw list must carry it.
    if (Array.isArray(headers) && !headers.some(h => h.toLowerCase() === 'host')) headers = ['Host', u.host, ...headers]
    const req = httpRequest({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      method: options.method ?? 'GET',
      headers,
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString()
        resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) })
      })
    })
    req.on('error', reject)
    const b = options.body
    if (Array.isArray(b)) {
      for (const c of b) req.write(c)
      req.end()
    } else {
      req.end(b)
    }
  })
}

/**
 * Child-process mode, for tests that must measure the gateway's own memory:
 * `node --import tsx test/helpers/gateway.ts CONFIG [WORKERS]` starts a gateway (clustered when
 * WORKERS > 1), prints `{"port":N,"pid":P}` per worker on stdout, and on SIGTERM prints
 * `{"draining":P}` and drains.
 */
async function childMain (configPath: string): Promise<void> {
  const health = cluster.isWorker ? workerHealthBus() : undefined
  const gateway = await createGateway({ configPath, logger: createLogger({ level: 'warn' }), ...(health ? { health } : {}) })
  const { port } = await gateway.listen()
  process.stdout.write(JSON.stringify({ port, pid: process.pid }) + '\n')
  process.once('SIGTERM', () => {
    process.stdout.write(JSON.stringify({ draining: process.pid }) + '\n')
    gateway.close().then(() => process.exit(0), () => process.exit(1))
  })
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const workers = Number(process.argv[3] ?? '1')
  const run = workers > 1
    ? runClustered(process.argv[2]!, workers, childMain, { log: () => {} })
      .then(() => { if (cluster.isPrimary) process.exit(0) })
    : childMain(process.argv[2]!)
  run.catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
