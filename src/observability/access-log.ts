// One JSON line per request, written when the response is over (or the client gave up). Only the
// path is logged, never the query (it may carry tokens), and never headers, so Authorization and
// cookies cannot leak through this line.
//
// The line is the one pino would write for the same object with the root logger's options
// (numeric level, epoch `time`, `msg`), but built here: pino's redaction, whose wildcard paths
// walk every logged object, cost ~25 µs a line to protect fields this record never has, and its
// generic serialiser plus one destination write per line cost a few µs more.
//
// Lines are batched across event-loop turns, into the batches of the logger's BatchWriter
// (batch-writer.ts): each line is written straight into the batch's bytes (access-line.ts), and the
// batch goes out when it is full or FLUSH_MS after its first line. A batch per turn (as this file
// once did) made the per-line cost grow with response size: with large bodies a turn finishes about
// one request, so every line became a write.

import { pino } from 'pino'
import type { DestinationStream } from 'pino'
import { BatchWriter } from './batch-writer.js'
import type { Logger } from './logger.js'
import { accessLineBound, writeAccessLine } from './access-line.js'
import type { AccessRecord } from './access-line.js'

export type { AccessRecord }
export { formatAccessLine } from './access-line.js'
export { BATCH_BYTES, FLUSH_MS } from './batch-writer.js'

export interface AccessLog {
  (r: AccessRecord): void
  /** Writes out lines still batched for this turn (before the logger itself is flushed). */
  flush (): void
}

/**
 * The line's fields as an object: what pino would be given to write the same line (the test holds
 * formatAccessLine to pino's output for it, and the access-log bench uses it as pino's input).
 */
export function accessLogFields (r: AccessRecord): Record<string, unknown> {
  return {
    reqId: r.id,
    clientIp: r.clientIp,
    consumer: r.consumer,
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
    traceId: r.traceId,
  }
}

export function createAccessLog (logger: Logger): AccessLog {
  const dest = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym]!
  // The default logger writes through a BatchWriter: lines go straight into its batches. Any other
  // destination (a test's stream, an embedder's) gets them batched here and handed on as strings.
  const out = dest instanceof BatchWriter ? dest : new BatchWriter((chunk) => { dest.write(chunk.toString()) })
  // pino's isLevelEnabled does several lookups on the logger (megamorphic in the gateway: about
  // 0.3 µs a line); the answer changes only with the level (a reload may change it).
  let enabled = logger.isLevelEnabled('info')
  logger.on('level-change', () => { enabled = logger.isLevelEnabled('info') })
  const log = (r: AccessRecord): void => {
    if (!enabled) return
    const buf = out.reserve(accessLineBound(r))
    out.commit(writeAccessLine(buf, out.used, r, Date.now()))
  }
  log.flush = () => { out.flush() }
  return log
}
