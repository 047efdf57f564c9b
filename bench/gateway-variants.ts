// Variants of bench/gateway.yaml that differ from it in one setting, so their ratio to the plain
// `sluice` row, taken within a round, is the cost of that setting alone.

import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

/** The access log on, as it is by default (level info); the line goes to the run's log file. */
export function writeAccessLogConfig (base: string, dir: string): string {
  const yaml = readFileSync(base, 'utf8')
    .replace('level: warn', 'level: info')
    .replace('accessLog: false', 'accessLog: true')
  const file = join(dir, 'gateway-access-log.yaml')
  writeFileSync(file, yaml)
  return file
}

/** Tracing on, every request sampled (sampleRatio 1), spans exported to `endpoint`. */
export function writeTracingConfig (base: string, dir: string, endpoint: string): string {
  const file = join(dir, 'gateway-tracing.yaml')
  writeFileSync(file, `${readFileSync(base, 'utf8')}tracing: { endpoint: ${endpoint}, sampleRatio: 1 }\n`)
  return file
}

/**
 * An OTLP/HTTP sink for the tracing variant: takes every export and answers 200, so the gateway pays
 * the whole cost of making and sending its spans. It runs in the bench process, off the proxy's core.
 */
export async function startOtlpSink (): Promise<{ url: string, exports: () => number, close: () => Promise<void> }> {
  let exports = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      exports++
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    exports: () => exports,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
