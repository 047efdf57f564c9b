// One JSON line per request, written when the response is over (or the client gave up). Only the
// path is logged, never the query (it may carry tokens), and never headers, so Authorization and
// cookies cannot leak through this line.
//
// The line is the one pino would write for the same object with the root logger's options
// (numeric level, epoch `time`, `msg`), but built here: pino's redaction, whose wildcard paths
// walk every logged object, cost ~25 µs a line to protect fields this record never has, and its
// generic serialiser plus one destination write per line cost a few µs more.
//
// Lines are batched across event-loop turns: each is UTF-8 encoded once, into the batch's buffer,
// and the batch goes to the logger's destination when it reaches BATCH_BYTES, or FLUSH_MS after its
// first line. Handing the destination one batch per turn (as this file once did) made the per-line
// cost grow with response size: with large bodies a turn finishes about one request, so every line
// became a destination write. Handing it a batch as one string (as it did next) cost more than
// the line itself: the string was a rope of a few thousand pieces that sonic-boom measured and
// flattened, and node:fs then copied it to UTF-8 again before the write: 1.05 µs a line against
// 0.77 as bytes (format, encode and hand-off to a file, one core, 32 KiB batches).

import { pino } from 'pino'
import type { ByteDestination, Logger } from './logger.js'

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

type Destination = Pick<ByteDestination, 'write'> & Partial<Pick<ByteDestination, 'writeBytes'>>

const INFO = 30
const q = JSON.stringify

// Route, upstream and target names come from the config, so there are few of them; their
// quoted forms are kept (JSON.stringify was a third of a line's formatting). The bound only guards
// against a config of many thousand names: past it, names are quoted each time.
const QUOTED_MAX = 4096
const quotedNames = new Map<string, string>()
function quotedName (name: string): string {
  let quoted = quotedNames.get(name)
  if (quoted === undefined) {
    quoted = q(name)
    if (quotedNames.size < QUOTED_MAX) quotedNames.set(name, quoted)
  }
  return quoted
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

/**
 * The request id, client address, method, flags and trace id are written as they are, without
 * JSON.stringify:
 * each is a token that needs no escaping (an id is `[A-Za-z0-9._:-]`, an address passed isIP or is
 * the socket's, node:http accepts only known methods, flags are fixed codes). Names and the path
 * can hold anything and are escaped.
 */
export function formatAccessLine (r: AccessRecord, time: number): string {
  let line = `{"level":${INFO},"time":${time},"reqId":"${r.id}","clientIp":"${r.clientIp}"`
  // Absent fields are left out, as pino leaves out undefined values.
  if (r.consumer !== undefined) line += `,"consumer":${q(r.consumer)}`
  line += `,"method":"${r.method}","path":${q(r.path)}`
  if (r.route !== undefined) line += `,"route":${quotedName(r.route)}`
  if (r.upstream !== undefined) line += `,"upstream":${quotedName(r.upstream)}`
  if (r.target !== undefined) line += `,"target":${quotedName(r.target)}`
  const flags = r.flags.length === 0 ? '-' : r.flags.join(',')
  line += `,"status":${r.status},"durMs":${Math.round(r.durationMs * 100) / 100},"bytesIn":${r.bytesIn}` +
    `,"bytesOut":${r.bytesOut},"flags":"${flags}"`
  if (r.traceId !== undefined) line += `,"traceId":"${r.traceId}"`
  return line + ',"msg":"access"}\n'
}

/**
 * A batch this large is handed on at once (sonic-boom passes it on as one file write). Each write
 * costs the process about 100 µs however small it is (measured on one core with 1 KiB responses:
 * waking the thread that writes, switching to it and back, a cold page cache), so batches are
 * large: 32 KiB batches cost ~1.1 µs a line, 128 KiB ones ~0.5.
 */
export const BATCH_BYTES = 256 * 1024
/** The longest a line waits in the batch; the line's `time` is when it was made, not written. */
export const FLUSH_MS = 100
/** Room past BATCH_BYTES for the line that fills the batch (a line is at most 3 bytes per UTF-16 unit). */
const LINE_ROOM = 64 * 1024
const BUFFER_BYTES = BATCH_BYTES + LINE_ROOM

export function createAccessLog (logger: Logger): AccessLog {
  const dest = (logger as unknown as Record<symbol, Destination>)[pino.symbols.streamSym]!
  // Destinations that take only strings (tests' streams, an embedder's logger) get the batch decoded.
  const handOn = dest.writeBytes?.bind(dest) ?? ((chunk: Buffer) => { dest.write(chunk.toString()) })
  // The destination keeps a batch until its write is done, so every batch gets a fresh buffer.
  let buf = Buffer.allocUnsafeSlow(BUFFER_BYTES)
  let used = 0
  let timer: NodeJS.Timeout | undefined

  function flush (): void {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    if (used === 0) return
    const chunk = buf.subarray(0, used)
    buf = Buffer.allocUnsafeSlow(BUFFER_BYTES)
    used = 0
    handOn(chunk)
  }

  const log = (r: AccessRecord): void => {
    // Read per line: a reload may change the level.
    if (!logger.isLevelEnabled('info')) return
    const line = formatAccessLine(r, Date.now())
    if (used + 3 * line.length > BUFFER_BYTES) {
      flush()
      // Only a path of about 100,000 characters makes a line this long.
      if (3 * line.length > BUFFER_BYTES) return handOn(Buffer.from(line))
    }
    used += buf.write(line, used)
    if (used >= BATCH_BYTES) {
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
