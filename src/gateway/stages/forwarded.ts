// X-Forwarded-For/-Proto/-Host, RFC 7239 Forwarded, and every other address claim (X-Real-IP,
// CDN client-IP headers; see address-headers.ts). What a client claims is believed only when the
// socket peer is a configured trusted proxy; otherwise X-Forwarded-* are rebuilt from the
// connection itself and the other claims are dropped, so a client cannot spoof its address,
// scheme or prefix to upstreams that rate-limit, log or build URLs by them.
//
// Forwarded is not started here: X-Forwarded-* is what upstreams read, and a second chain built
// from the same facts would only be a second thing to keep in step. A chain a trusted proxy began
// is extended with this hop, as X-Forwarded-For is, so both name the same hops.

import type { TLSSocket } from 'node:tls'
import { forwardedElement } from '../address-headers.js'
import { compileCidrs } from '../cidr.js'
import type { Stage } from '../contract.js'

export interface ForwardedOptions {
  /** CIDRs whose forwarding headers are kept (X-Forwarded-For and Forwarded extended with the peer). */
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
      // The scheme of this hop (the peer's connection to the gateway).
      const hop = (ctx.req.socket as TLSSocket).encrypted === true ? 'https' : 'http'
      const proto = trust && ctx.forwardedProto !== undefined ? ctx.forwardedProto : hop
      const host = trust && ctx.forwardedHost !== undefined ? ctx.forwardedHost : ctx.host
      h.push('x-forwarded-for', xff, 'x-forwarded-proto', proto)
      if (host !== undefined) h.push('x-forwarded-host', host)
      if (trust) {
        if (ctx.addressClaims !== undefined) h.push(...ctx.addressClaims)
        if (ctx.forwarded !== undefined) h.push('forwarded', `${ctx.forwarded}, ${forwardedElement(peer, hop)}`)
      }
      return undefined
    },
  }
}
