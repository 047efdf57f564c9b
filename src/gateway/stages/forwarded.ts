// X-Forwarded-For/-Proto/-Host. What a client claims is believed only when the socket peer is a
// configured trusted proxy; otherwise the headers are rebuilt from the connection itself, so a
// client cannot spoof its address to upstreams that rate-limit or log by it.

import type { TLSSocket } from 'node:tls'
import { compileCidrs } from '../cidr.js'
import type { Stage } from '../pipeline.js'

export interface ForwardedOptions {
  /** CIDRs whose X-Forwarded-* headers are kept (extended with the peer address). */
  trustedProxies: readonly string[]
}

export function createForwardedStage (options: ForwardedOptions): Stage {
  const trusted = compileCidrs(options.trustedProxies)
  return {
    name: 'forwarded',
    onRequest (ctx) {
      const peer = ctx.req.socket.remoteAddress ?? ''
      const trust = trusted(peer)
      const h = ctx.upstreamHeaders
      const xff = trust && ctx.forwardedFor !== undefined ? `${ctx.forwardedFor}, ${peer}` : peer
      const proto = trust && ctx.forwardedProto !== undefined
        ? ctx.forwardedProto
        : (ctx.req.socket as TLSSocket).encrypted === true ? 'https' : 'http'
      const host = trust && ctx.forwardedHost !== undefined ? ctx.forwardedHost : ctx.host
      h.push('x-forwarded-for', xff, 'x-forwarded-proto', proto)
      if (host !== undefined) h.push('x-forwarded-host', host)
      return undefined
    },
  }
}
