// One JSON line per request, written when the response is over (or the client gave up). Only the
// path is logged, never the query (it may carry tokens), and never headers, so Authorization and
// cookies cannot leak through this line.
//
// The line is the one pino would write for the same object with the root logger's options
// (numeric level, epoch `time`, `msg`), but built here: pino's redaction, whose wildcard paths
// walk every logged object, cost ~25 µs a line to protect fields this record never has, and its
// generic serialiser plus one destination write per line cost a few µs more.
//
// Lines are batched across event-loop turns: the batch goes to the logger's destination when it
// reaches BATCH_BYTES, or FLUSH_MS after its first line. Handing the destination one batch per turn
// (as this file once did) made the per-line cost grow with response size: with large bodies a
// turn finishes about one request, so every line became a destination write, and sonic-boom's
// write re-measures (and so flattens) the whole string it holds while a file write is in flight —
// ~3 µs a line against ~1.5 µs batched, measured with one line per turn on one core.

import { pino } from 'pino'
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
  /** The client's address (server.trustedProxies decides whether X-Forwarded-For counts). */
  readonly clientIp: string
  /** The authenticated consumer's id, when a stage established one. */
  readonly consumer: string | undefined
  /** The request's W3C trace id, when tracing is on. */
  readonly traceId: string | undefined
}

export interface AccessLog {
  (r: AccessRecord): void
  /** Writes out lines still batched for this turn (before the logger itself is flushed). */
  flush (): void
}

interface Destination { write (chunk: string): unknown }

const INFO = 30
const q = JSON.stringify

export function formatAccessLine (r: AccessRecord, time: number): string {
  let line = `{"level":${INFO},"time":${time},"reqId":${q(r.id)},"clientIp":${q(r.clientIp)}`
  // Absent fields are left out, as pino leaves out undefined values.
  if (r.consumer !== undefined) line += `,"consumer":${q(r.consumer)}`
  line += `,"method":${q(r.method)},"path":${q(r.path)}`
  if (r.route !== undefined) line += `,"route":${q(r.route)}`
  if (r.upstream !== undefined) line += `,"upstream":${q(r.upstream)}`
  if (r.target !== undefined) line += `,"target":${q(r.target)}`
  const flags = r.flags.length === 0 ? '-' : r.flags.join(',')
  line += `,"status":${r.status},"durMs":${Math.round(r.durationMs * 100) / 100},"bytesIn":${r.bytesIn}` +
    `,"bytesOut":${r.bytesOut},"flags":${q(flags)}`
  if (r.traceId !== undefined) line += `,"traceId":${q(r.traceId)}`
  return line + ',"msg":"access"}\n'
}

/** A batch this large is written at once (sonic-boom passes it on as one file write). */
export const BATCH_BYTES = 32 * 1024
/** The longest a line waits in the batch; the line's `time` is when it was made, not written. */
export const FLUSH_MS = 25

export function createAccessLog (logger: Logger): AccessLog {
  const dest = (logger as unknown as Record<symbol, Destination>)[pino.symbols.streamSym]!
  let batch = ''
  let timer: NodeJS.Timeout | undefined

  function flush (): void {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    if (batch === '') return
    const chunk = batch
    batch = ''
    dest.write(chunk)
  }

  const log = (r: AccessRecord): void => {
    // Read per line: a reload may change the level.
    if (!logger.isLevelEnabled('info')) return
    batch += formatAccessLine(r, Date.now())
    if (batch.length >= BATCH_BYTES) {
      flush()
    } else if (timer === undefined) {
      // A real timer, not the injected clock: this is write batching, not request timing, and a
      // test's manual clock must not hold lines back. Unref'd: a pending batch keeps no process up
      // (close() flushes it).
      timer = setTimeout(flush, FLUSH_MS)
      timer.unref()
    }
  }
  log.flush = flush
  return log
}
