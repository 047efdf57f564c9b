// Built in on every route once the config has an `auth` block: removes each client-sent
// X-Consumer-* header and every header the gateway itself fills from an identity (a provider's
// forwardClaims, the API key header), so that an upstream trusting them cannot be lied to —
// also through a route without `auth` that reaches the same upstream. The authentication stage
// runs after this and adds the real ones.

import type { GatewayConfig } from '../../config/schema/index.js'
import type { Stage } from '../contract.js'

export function createConsumerHeadersStage (config: GatewayConfig): Stage {
  const names = new Set<string>()
  const keyHeader = config.auth?.apiKeys?.header
  if (keyHeader !== undefined) names.add(keyHeader.toLowerCase())
  for (const p of config.auth?.jwt ?? []) {
    for (const h of Object.keys(p.forwardClaims ?? {})) names.add(h.toLowerCase())
  }
  return {
    name: 'consumerHeaders',
    onRequest (ctx) {
      const flat = ctx.upstreamHeaders
      let w = 0
      for (let r = 0; r < flat.length; r += 2) {
        const name = flat[r]!.toLowerCase()
        if (name.startsWith('x-consumer-') || names.has(name)) continue
        flat[w++] = flat[r]!
        flat[w++] = flat[r + 1]!
      }
      flat.length = w
      return undefined
    },
  }
}
