import type { IncomingHttpHeaders } from 'node:http'
import type { Random } from '../../../core/clock.js'

export interface BalancerTarget {
  /** The target URL origin, unique within an upstream. */
  readonly id: string
  /** Integer >= 1. */
  readonly weight: number
  /** Maintained by the caller: ++ when a request starts, -- when it ends. */
  inFlight: number
  /** False while ejected or unhealthy; maintained by the caller. */
  available: boolean
}

export interface PickContext {
  readonly headers: IncomingHttpHeaders
  /** The client's address as resolved behind trusted proxies (client-ip.ts). */
  readonly clientIp: string
  /** The client reached the gateway over https (TLS, or X-Forwarded-Proto from a trusted proxy). */
  readonly secure: boolean
  /** Set by cookie affinity when the response must carry a Set-Cookie value. */
  setCookie?: string
}

export interface Balancer<T extends BalancerTarget> {
  /** A target that is available and not in `exclude`, or undefined when there is none. */
  pick (ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined
}

export type BalancerKind = 'round-robin' | 'weighted' | 'least-request' | 'random' | 'consistent-hash'

export interface AffinityOptions {
  /** Cookie name (an RFC 6265 token). */
  cookie: string
  /** How long the browser keeps the pin, in milliseconds (sent as Max-Age in whole seconds, min 1). */
  ttlMs: number
  /** HMAC key for the cookie values; whoever shares it (workers, instances) shares the pins. */
  key: string | Buffer
}

export interface BalancerOptions {
  /** consistent-hash only: `header:NAME`, `cookie:NAME` or `ip` (default `ip`). */
  hashOn?: string
  /** Defaults to Math.random; injected in tests. */
  random?: Random
  /** Wraps the balancer in cookie affinity when set. */
  affinity?: AffinityOptions
}

export function isEligible<T extends BalancerTarget> (target: T, exclude: ReadonlySet<T> | undefined): boolean {
  return target.available && (exclude === undefined || !exclude.has(target))
}
