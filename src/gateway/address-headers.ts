// Request headers through which a client claims an address, scheme, host, port or path prefix
// other than the connection's own. Upstreams and their frameworks believe them (rate limits, audit
// logs, redirect URLs, "is this https?" checks), so the gateway forwards them only from a peer in
// `server.trustedProxies`; from anyone else they are dropped. X-Forwarded-For/-Proto/-Host are not
// listed: the forwarded stage rebuilds those for every request.

/** Lowercase names; `forwarded` (RFC 7239) is handled apart because a trusted chain is extended. */
export const ADDRESS_HEADERS: ReadonlySet<string> = new Set([
  'forwarded',
  // de facto standards and their variants
  'x-real-ip', 'x-forwarded-port', 'x-forwarded-prefix', 'x-forwarded-server', 'x-forwarded',
  'forwarded-for', 'x-original-forwarded-for',
  // scheme claims read by Rack, Django, Spring and IIS-era stacks
  'x-forwarded-ssl', 'x-forwarded-scheme', 'x-url-scheme', 'front-end-https',
  // CDN and load-balancer client-IP headers (Cloudflare, Akamai, Fastly, Azure, Envoy, others)
  'x-client-ip', 'x-cluster-client-ip', 'cf-connecting-ip', 'cf-connecting-ipv6', 'true-client-ip',
  'fastly-client-ip', 'x-azure-clientip', 'x-azure-socketip', 'x-envoy-external-address',
])

/**
 * This hop as one RFC 7239 §4 element. An IPv6 node must be bracketed, and then quoted because
 * `:` and `[` are not token characters (§6).
 */
export function forwardedElement (peer: string, proto: string): string {
  const node = peer.includes(':') ? `"[${peer}]"` : peer === '' ? 'unknown' : peer
  return `for=${node};proto=${proto}`
}
