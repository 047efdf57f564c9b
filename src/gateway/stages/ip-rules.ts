// The `ipRules` stage: refuses clients by address before anything else runs (no CORS answer, no
// credential check), so a refused network learns nothing about the route. The address is
// ctx.clientIp, i.e. resolved through server.trustedProxies: an X-Forwarded-For from anyone else
// is not believed, so a client cannot claim an allowed address. Deny wins over allow.

import type { StageOptions } from '../../config/schema/index.js'
import { IpDeniedError } from '../../errors.js'
import { compileCidrs } from '../cidr.js'
import type { Stage } from '../contract.js'

export function createIpRulesStage (options: StageOptions['ipRules']): Stage {
  const allowList = options.allow
  const allow = allowList === undefined ? undefined : compileCidrs(allowList)
  const deny = compileCidrs(options.deny ?? [])
  return {
    name: 'ipRules',
    onRequest (ctx) {
      const ip = ctx.clientIp
      if (deny(ip) || (allow !== undefined && !allow(ip))) throw new IpDeniedError()
      return undefined
    },
  }
}
