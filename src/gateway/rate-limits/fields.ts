// The fields that tell a client where it stands, for the one limit closest to running out:
// draft-ietf-httpapi-ratelimit-headers-11 (`RateLimit-Policy: "name";q=…;w=…` and
// `RateLimit: "name";r=…;t=…`, https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/)
// and the de-facto legacy trio X-RateLimit-Limit/-Remaining/-Reset.
//
// `t` and X-RateLimit-Reset are whole seconds, rounded up, until the limit is fully restored (the
// bucket full again); a 429's Retry-After is until the next request can pass, so it never exceeds t.

import type { RequestContext } from '../contract.js'

export type HeaderMode = 'ietf' | 'legacy' | 'both' | 'none'

export interface LimitState {
  readonly name: string
  /** The policy's quota and window, as advertised (`q`, `w`). */
  readonly quota: number
  readonly windowS: number
  readonly remaining: number
  readonly resetMs: number
}

const seconds = (ms: number): number => Math.ceil(ms / 1000)

export function addLimitFields (ctx: RequestContext, mode: HeaderMode, s: LimitState): void {
  if (mode === 'none') return
  const reset = String(seconds(s.resetMs))
  if (mode !== 'legacy') {
    ctx.addResponseHeader('ratelimit-policy', `"${s.name}";q=${s.quota};w=${s.windowS}`)
    ctx.addResponseHeader('ratelimit', `"${s.name}";r=${s.remaining};t=${reset}`)
  }
  if (mode !== 'ietf') {
    ctx.addResponseHeader('x-ratelimit-limit', String(s.quota))
    ctx.addResponseHeader('x-ratelimit-remaining', String(s.remaining))
    ctx.addResponseHeader('x-ratelimit-reset', reset)
  }
}
