// The client body idle timeout (server.timeouts.body): an upload that stops moving is cut, so a
// client cannot hold an exchange (and, when the body streams, an upstream connection) by sending
// nothing.
//
// It watches the socket's byte count instead of the body's 'data' events: listening for 'data'
// would start the body flowing before anyone consumes it. A check runs every quarter of the
// budget, so a stall is cut between 1 and 1.25 budgets after the last byte. Time when the gateway
// itself is not reading (the body waits for an upstream connection, or the upstream is slow to take
// it and the body is paused) is not the client's: the budget restarts once reading resumes, and the
// upstream side has its own timeouts for that wait.

import { RequestTimeoutError } from '../errors.js'
import type { Context } from './context.js'

export function watchBody (ctx: Context, ms: number): void {
  const req = ctx.req
  const socket = req.socket
  const period = Math.max(1, Math.floor(ms / 4))
  let bytes = socket.bytesRead
  let movedAt = ctx.clock.now()

  const check = (): void => {
    if (req.complete || socket.destroyed || ctx.res.writableFinished) return
    const now = ctx.clock.now()
    const reading = req.readableLength === 0 && (req.readableFlowing === true || req.listenerCount('readable') > 0)
    if (socket.bytesRead !== bytes || !reading) {
      bytes = socket.bytesRead
      movedAt = now
    } else if (now - movedAt >= ms) {
      stalled(ctx)
      return
    }
    ctx.clock.setTimeout(check, period)
  }
  ctx.clock.setTimeout(check, period)
}

function stalled (ctx: Context): void {
  ctx.log.debug({ reqId: ctx.id }, 'request body stalled; cutting the upload')
  // Before the head, the exchange in progress answers 408 (and the connection closes because the
  // body is unfinished); after it, only cutting the connection can end the exchange.
  if (ctx.status === 0 && ctx.upstreamRequest !== undefined) ctx.upstreamRequest.abort(new RequestTimeoutError('Request body stalled'))
  else ctx.res.destroy()
}
