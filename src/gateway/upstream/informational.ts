// 1xx responses from an upstream, before its final response (RFC 9110 §15.2). A proxy forwards
// them unless it asked for them itself; what node:http can write, and what is worth writing:
//
//   100 Continue     skipped. The gateway never sends `Expect` upstream (node:http has already
//                    answered the client's own `Expect: 100-continue`), so an upstream's 100
//                    answers nothing the client is waiting for.
//   102 Processing   forwarded (ServerResponse.writeProcessing).
//   103 Early Hints  forwarded with its Link and other end-to-end fields (writeEarlyHints), so a
//                    browser can preload while the upstream works. Dropped if its Link is invalid.
//   others           skipped: node:http has no public way to write an arbitrary 1xx.
//
// Never to an HTTP/1.0 client (§15.2), and never once the final head has gone out.

import type { Exchange } from '../contract.js'
import { filterResponseHeaders } from '../headers.js'

export function forwardInformational (ctx: Exchange, status: number, raw: readonly Buffer[]): void {
  if (status !== 102 && status !== 103) return
  const res = ctx.res
  if (res.headersSent || res.destroyed || ctx.req.httpVersionMinor === 0) return
  if (status === 102) {
    res.writeProcessing()
    return
  }
  const hints: Record<string, string | string[]> = {}
  const flat = filterResponseHeaders(raw)
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase()
    const prev = hints[name]
    hints[name] = prev === undefined ? flat[i + 1]! : [...(Array.isArray(prev) ? prev : [prev]), flat[i + 1]!]
  }
  try {
    res.writeEarlyHints(hints)
  } catch (err) {
    ctx.log.debug({ err, reqId: ctx.id }, 'upstream 103 Early Hints not forwarded')
  }
}
