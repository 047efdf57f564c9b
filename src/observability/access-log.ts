// One JSON line per request, written when the response is over (or the client gave up). Only the
// path is logged, never the query (it may carry tokens), and never headers, so Authorization and
// cookies cannot leak through this line. That is also why it logs through a child without the root
// logger's redaction: its wildcard paths walk every logged object and cost ~25 µs a line, ten times
// the rest of the request, to protect fields this record never has.

import type { Logger } from './logger.js'

/** What the gateway knows about a finished request. */
export interface AccessRecord {
  readonly id: string
  readonly method: string
  readonly path: string
  readonly route: string | undefined
  readonly upstream: string | undefined
  readonly target: string | undefined
  readonly status: number
  readonly durationMs: number
  readonly bytesIn: number
  readonly bytesOut: number
  /** Response flags (NR, UT, UF, UR, UH, DC, PL, …); empty when nothing unusual happened. */
  readonly flags: readonly string[]
}

export type AccessLog = (r: AccessRecord) => void

export function createAccessLog (logger: Logger): AccessLog {
  const log = logger.child({}, { redact: [] })
  return (r) => {
    log.info({
      reqId: r.id,
      method: r.method,
      path: r.path,
      route: r.route,
      upstream: r.upstream,
      target: r.target,
      status: r.status,
      durMs: Math.round(r.durationMs * 100) / 100,
      bytesIn: r.bytesIn,
      bytesOut: r.bytesOut,
      flags: r.flags.length === 0 ? '-' : r.flags.join(','),
    }, 'access')
  }
}
