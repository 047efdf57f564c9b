// The authorization half of a route's `auth` block: the consumer the authentication stage set must
// hold every listed scope and, when roles are listed, one of them; otherwise 403 SLC_FORBIDDEN with
// an RFC 6750 `insufficient_scope` challenge naming the scopes the route needs.

import type { StageOptions } from '../../config/schema/index.js'
import { ForbiddenError } from '../../errors.js'
import type { Stage } from '../contract.js'

export function createAuthorizationStage (options: StageOptions['auth']): Stage {
  const { scopes, roles } = options
  if (scopes.length === 0 && roles.length === 0) return { name: 'authorization' }
  const challenge = `Bearer realm="sluice", error="insufficient_scope"${scopes.length > 0 ? `, scope="${scopes.join(' ')}"` : ''}`
  return {
    name: 'authorization',
    onRequest (ctx) {
      const c = ctx.consumer
      const missing = c === undefined ? scopes : scopes.filter(s => !c.scopes.includes(s))
      const roleOk = roles.length === 0 || (c !== undefined && roles.some(r => c.roles.includes(r)))
      if (missing.length === 0 && roleOk) return undefined
      ctx.addResponseHeader('www-authenticate', challenge)
      throw new ForbiddenError(missing.length > 0 ? `Missing required scope: ${missing.join(' ')}` : 'Missing required role')
    },
  }
}
