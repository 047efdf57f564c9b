// Lets an upstream send `100 Continue` nobody asked for. RFC 9110 §15.2: a client MUST be able to
// parse 1xx responses it did not expect. undici's HTTP/1.1 client parses every other 1xx, but treats
// a 100 as a broken connection and destroys it (the exchange became a 502). Some servers send 100
// to every upload, asked or not. This connector removes such a 100 from the bytes undici reads.
//
// Where a 100 can be: only before a response's status line. With one request per connection at a
// time (the pool runs `pipelining: 1`, and this relies on it), undici writes a request head only
// once the previous response is complete, so "a request head was written, and its response has not
// started" is exactly the window a 100 may occur in:
//
//   write "GET / HTTP/1.1\r\n…"   ─► awaiting
//   read  "HTTP/1.1 100 …\r\n\r\n" ─► dropped, still awaiting
//   read  "HTTP/1.1 103 …\r\n\r\n" ─► passed on (undici handles other 1xx), still awaiting
//   read  "HTTP/1.1 200 …"         ─► passed on; not awaiting until the next request head
//
// A request head is the one write undici makes as a string starting `METHOD SP`; bodies are Buffers
// and chunk framing strings start with CRLF or hex digits. Outside the window every byte passes
// untouched, so a body can never be edited.

import type { Socket } from 'node:net'
import { buildConnector } from 'undici'

const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ /
/** `HTTP/1.x 1dd` then SP or CR: 13 bytes decide. */
const DECIDE = 13
/** A 1xx head longer than this is not waited for: the bytes go to undici as they are. */
const MAX_HEAD = 16 * 1024
const EMPTY = Buffer.alloc(0)

export function continueSkippingConnector (options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector(options)
  return (opts, callback) => {
    connect(opts, (...args) => {
      if (args[0] === null) skipContinue(args[1])
      callback(...args)
    })
  }
}

/** Interposes on the socket's own `write` (to see request heads) and `push` (to drop a 100). */
export function skipContinue (socket: Socket): void {
  let awaiting = false
  let held: Buffer | undefined
  const write = socket.write
  const push = socket.push

  socket.write = function (this: Socket, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string' && REQUEST_LINE.test(chunk)) awaiting = true
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
  } as Socket['write']

  socket.push = function (this: Socket, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      if (held !== undefined) push.call(this, held)
      held = undefined
      return push.call(this, null)
    }
    if (!awaiting || !Buffer.isBuffer(chunk)) return push.call(this, chunk, encoding)
    return push.call(this, filter(chunk))
  }

  /** The part of `chunk` to hand on while awaiting a final response head; holds an undecided tail. */
  function filter (chunk: Buffer): Buffer {
    let data = held === undefined ? chunk : Buffer.concat([held, chunk])
    held = undefined
    const out: Buffer[] = []
    while (awaiting && data.length > 0) {
      const kind = classify(data)
      if (kind === 'final') {
        awaiting = false
        break
      }
      const end = kind === 'undecided' ? -1 : data.indexOf('\r\n\r\n')
      if (end === -1) {
        if (data.length > MAX_HEAD) {
          awaiting = false
          break
        }
        held = data
        data = EMPTY
        break
      }
      // Other 1xx go on to undici (which handles them) and the window stays open behind them.
      if (kind === 'interim') out.push(data.subarray(0, end + 4))
      data = data.subarray(end + 4)
    }
    if (out.length === 0) return data
    out.push(data)
    return Buffer.concat(out)
  }
}

const PREFIX = Buffer.from('HTTP/1.1 1')

/**
 * What the bytes at a response's start are: `HTTP/1.x 1dd` then SP or CR is an informational head
 * (100 `continue`, 101 and anything else not 1xx `final`); fewer bytes that could still become one
 * are `undecided`.
 */
function classify (data: Buffer): 'continue' | 'interim' | 'final' | 'undecided' {
  const n = Math.min(data.length, DECIDE)
  for (let i = 0; i < n; i++) {
    const c = data[i]!
    const ok = i === 7
      ? c === 0x30 || c === 0x31
      : i === 10 || i === 11
        ? c >= 0x30 && c <= 0x39
        : i === 12 ? c === 0x20 || c === 0x0d : c === PREFIX[i]
    if (!ok) return 'final'
  }
  if (n < DECIDE) return 'undecided'
  const code = (data[10]! - 0x30) * 10 + (data[11]! - 0x30)
  return code === 0 ? 'continue' : code === 1 ? 'final' : 'interim'
}
