// The access-log line, written straight into the batch's bytes. The line is the one pino would
// write for the same object with the root logger's options (numeric level, epoch `time`, `msg`;
// absent fields left out). Built as a string it cost more in the gateway than measured alone: two
// dozen concatenations make a rope that is flattened and then encoded to UTF-8 a second time.
// Here plain ASCII values are copied byte by byte as they are checked, and only a value that needs
// escaping (or is not ASCII) goes through JSON.stringify and the UTF-8 encoder.

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

const QUOTE = 0x22
const BACKSLASH = 0x5c

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))
const START = ascii('{"level":30,"time":')
const REQ_ID = ascii(',"reqId":')
const CLIENT_IP = ascii(',"clientIp":')
const CONSUMER = ascii(',"consumer":')
const METHOD = ascii(',"method":')
const PATH = ascii(',"path":')
const ROUTE = ascii(',"route":')
const UPSTREAM = ascii(',"upstream":')
const TARGET = ascii(',"target":')
const STATUS = ascii(',"status":')
const DURATION = ascii(',"durMs":')
const BYTES_IN = ascii(',"bytesIn":')
const BYTES_OUT = ascii(',"bytesOut":')
const FLAGS = ascii(',"flags":"')
const TRACE_ID = ascii(',"traceId":')
const END = ascii(',"msg":"access"}\n')

/**
 * Room enough for the line of `r`: every constant part and number, and 6 bytes for each UTF-16
 * unit of a string (`\u001f` is the longest a unit becomes; UTF-8 needs at most 3).
 */
export function accessLineBound (r: AccessRecord): number {
  const chars = r.id.length + r.clientIp.length + r.method.length + r.path.length +
    (r.consumer?.length ?? 0) + (r.route?.length ?? 0) + (r.upstream?.length ?? 0) + (r.target?.length ?? 0) +
    (r.traceId?.length ?? 0) + 3 * r.flags.length
  return 512 + 6 * chars
}

/** Writes the line of `r` at `pos` (room for accessLineBound(r) bytes is the caller's); returns its end. */
export function writeAccessLine (buf: Buffer, pos: number, r: AccessRecord, time: number): number {
  pos = copy(buf, pos, START)
  pos = uint(buf, pos, time)
  pos = str(buf, copy(buf, pos, REQ_ID), r.id)
  pos = str(buf, copy(buf, pos, CLIENT_IP), r.clientIp)
  if (r.consumer !== undefined) pos = str(buf, copy(buf, pos, CONSUMER), r.consumer)
  pos = str(buf, copy(buf, pos, METHOD), r.method)
  pos = str(buf, copy(buf, pos, PATH), r.path)
  if (r.route !== undefined) pos = str(buf, copy(buf, pos, ROUTE), r.route)
  if (r.upstream !== undefined) pos = str(buf, copy(buf, pos, UPSTREAM), r.upstream)
  if (r.target !== undefined) pos = str(buf, copy(buf, pos, TARGET), r.target)
  pos = uint(buf, copy(buf, pos, STATUS), r.status)
  pos = hundredths(buf, copy(buf, pos, DURATION), r.durationMs)
  pos = uint(buf, copy(buf, pos, BYTES_IN), r.bytesIn)
  pos = uint(buf, copy(buf, pos, BYTES_OUT), r.bytesOut)
  pos = copy(buf, pos, FLAGS)
  const flags = r.flags
  if (flags.length === 0) {
    buf[pos++] = 0x2d // '-'
  } else {
    for (let i = 0; i < flags.length; i++) {
      if (i > 0) buf[pos++] = 0x2c // ','
      // Flags are fixed two-letter codes: nothing to escape.
      const flag = flags[i]!
      for (let j = 0; j < flag.length; j++) buf[pos++] = flag.charCodeAt(j)
    }
  }
  buf[pos++] = QUOTE
  if (r.traceId !== undefined) pos = str(buf, copy(buf, pos, TRACE_ID), r.traceId)
  return copy(buf, pos, END)
}

/** The line as a string (tests and the bench compare it with pino's). */
export function formatAccessLine (r: AccessRecord, time: number): string {
  const buf = Buffer.allocUnsafe(accessLineBound(r))
  return buf.toString('utf8', 0, writeAccessLine(buf, 0, r, time))
}

function copy (buf: Buffer, pos: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i]!
  return pos
}

/** `s` as a JSON string, as JSON.stringify writes it. */
function str (buf: Buffer, pos: number, s: string): number {
  const open = pos
  buf[pos++] = QUOTE
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
      return open + buf.write(JSON.stringify(s), open)
    }
    buf[pos++] = c
  }
  buf[pos++] = QUOTE
  return pos
}

/** A non-negative integer in decimal (a byte count, a status, the epoch time). */
function uint (buf: Buffer, pos: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) return pos + buf.write(String(n), pos, 'latin1')
  let digits = 1
  for (let p = 10; p <= n; p *= 10) digits++
  const end = pos + digits
  for (let i = end - 1; i >= pos; i--) {
    const next = Math.floor(n / 10)
    buf[i] = 0x30 + n - next * 10
    n = next
  }
  return end
}

/** Milliseconds rounded to hundredths, as JSON.stringify(Math.round(ms * 100) / 100) writes them. */
function hundredths (buf: Buffer, pos: number, ms: number): number {
  const h = Math.round(ms * 100)
  if (!(h >= 0 && h < 1e15)) return pos + buf.write(String(Math.round(ms * 100) / 100), pos, 'latin1')
  const whole = Math.floor(h / 100)
  pos = uint(buf, pos, whole)
  const frac = h - whole * 100
  if (frac === 0) return pos
  buf[pos++] = 0x2e // '.'
  const tens = Math.floor(frac / 10)
  buf[pos++] = 0x30 + tens
  const ones = frac - tens * 10
  if (ones !== 0) buf[pos++] = 0x30 + ones
  return pos
}
