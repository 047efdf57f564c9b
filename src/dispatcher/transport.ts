// The innermost step: one attempt on the supplier's undici Pool, body fully read so that the
// per-attempt timeout covers the whole answer and a retried attempt never leaks a socket.

import { Pool } from 'undici'
import { AbortedError, BadGatewayError } from '../errors.js'
import type { SupplierConfig } from './options.js'
import type { AttemptResult } from './response.js'

export interface TransportRequest {
  method: string
  /** Path with query string, base path of the supplier already prefixed. */
  path: string
  headers: Record<string, string>
  body: Buffer | string | undefined
  signal: AbortSignal
}

export interface SupplierTransport {
  request (req: TransportRequest): Promise<AttemptResult>
  /** Waits for in-flight requests, then closes connections. */
  close (): Promise<void>
  destroy (): Promise<void>
}

export type Transport = (supplier: SupplierConfig) => SupplierTransport

export const undiciTransport: Transport = (cfg) => {
  const pool = new Pool(cfg.origin, {
    connections: cfg.maxConcurrent,
    connectTimeout: cfg.connectTimeoutMs,
    keepAliveTimeout: 30_000,
    // The timeout policy owns the request deadline; undici's own timers only back it up.
    headersTimeout: 0,
    bodyTimeout: 0,
  })
  return {
    async request (req) {
      try {
        const res = await pool.request({
          method: req.method as 'GET',
          path: req.path,
          headers: req.headers,
          body: req.body,
          signal: req.signal,
        })
        const body = Buffer.from(await res.body.arrayBuffer())
        return { status: res.statusCode, headers: res.headers as AttemptResult['headers'], body }
      } catch (err) {
        if (req.signal.aborted) throw req.signal.reason ?? new AbortedError()
        throw new BadGatewayError(cfg.origin, `${cfg.name}: ${(err as Error).message}`, { cause: err })
      }
    },
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  }
}
