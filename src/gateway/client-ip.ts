// The client's address as the gateway believes it. A socket peer that is not a trusted proxy is
// the client, whatever it claims. Behind trusted proxies, X-Forwarded-For is read from the right
// (each proxy appends the address it saw), skipping trusted hops: the first untrusted address is
// the client. Everything left of it was written by that client and proves nothing (the
// "rightmost untrusted" rule, as nginx's real_ip_recursive and Envoy's xff_num_trusted_hops).

import { isIP } from 'node:net'
import type { CidrMatcher } from './cidr.js'

/**
 * `peer`: the socket's remote address; `forwardedFor`: the request's X-Forwarded-For lines joined
 * with ", "; `trusted`: the compiled `server.trustedProxies`. An entry that is not an IP address
 * (`unknown`, a hostname, an obfuscated RFC 7239 node) stops the walk at the last hop known to be
 * real. Some balancers append `ip:port`; the port is dropped.
 */
export function resolveClientIp (peer: string, forwardedFor: string | undefined, trusted: CidrMatcher): string {
  if (forwardedFor === undefined || !trusted(peer)) return peer
  let client = peer
  let end = forwardedFor.length
  while (end > 0) {
    const comma = forwardedFor.lastIndexOf(',', end - 1)
    const ip = bareIp(forwardedFor.slice(comma + 1, end).trim())
    end = comma
    if (ip === undefined) return client
    client = ip
    if (!trusted(ip)) return ip
  }
  return client
}

/** `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]` or `[::1]:80` → the address; anything else undefined. */
function bareIp (entry: string): string | undefined {
  if (isIP(entry) !== 0) return entry
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']')
    const inner = entry.slice(1, close)
    const rest = entry.slice(close + 1)
    return close !== -1 && isIP(inner) === 6 && (rest === '' || /^:\d+$/.test(rest)) ? inner : undefined
  }
  const colon = entry.indexOf(':')
  if (colon === -1 || !/^\d+$/.test(entry.slice(colon + 1))) return undefined
  const host = entry.slice(0, colon)
  return isIP(host) === 4 ? host : undefined
}
