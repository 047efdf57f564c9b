// Cross-checks of `auth`, `consumers` and the routes' `auth` blocks that a schema cannot express.

import type { Report } from './load-yaml.js'
import type { GatewayConfig } from './schema/index.js'

export function checkAuth (config: GatewayConfig, report: Report): void {
  const providers = config.auth?.jwt ?? []
  const names = new Set<string>()
  const issuers = new Set<string>()
  providers.forEach((p, i) => {
    const at = ['auth', 'jwt', i]
    if (names.has(p.name)) report([...at, 'name'], `duplicate jwt provider name "${p.name}"`)
    names.add(p.name)
    if (issuers.has(p.issuer)) report([...at, 'issuer'], 'two jwt providers with one issuer: a token could not pick its provider')
    issuers.add(p.issuer)
    const sources = (['jwksUrl', 'secret', 'publicKeyFile'] as const).filter(k => p[k] !== undefined)
    if (sources.length !== 1) {
      report(at, `set exactly one of jwksUrl, secret, publicKeyFile (found ${sources.length === 0 ? 'none' : sources.join(' and ')})`)
      return
    }
    const hmac = p.algorithms.filter(a => a.startsWith('HS'))
    if (p.secret !== undefined && hmac.length !== p.algorithms.length) {
      report([...at, 'algorithms'], 'a secret verifies only HS256, HS384, HS512')
    } else if (p.secret === undefined && hmac.length > 0) {
      // An HMAC "secret" that is really a published public key is the key-confusion attack.
      report([...at, 'algorithms'], `${hmac.join(', ')} need a secret; with ${sources[0]} list only asymmetric algorithms`)
    }
  })
  const check = (auth: NonNullable<GatewayConfig['routes'][number]['auth']>, at: Array<string | number>): void => {
    auth.methods.forEach((m, i) => {
      if (m === 'apiKey' && config.auth?.apiKeys === undefined) report([...at, 'methods', i], 'apiKey needs auth.apiKeys')
      if (m === 'jwt' && providers.length === 0) report([...at, 'methods', i], 'jwt needs at least one auth.jwt provider')
      if (m.startsWith('jwt:') && !names.has(m.slice(4))) report([...at, 'methods', i], `no auth.jwt provider named "${m.slice(4)}"`)
    })
  }
  config.routes.forEach((r, i) => { if (r.auth !== undefined) check(r.auth, ['routes', i, 'auth']) })
}
