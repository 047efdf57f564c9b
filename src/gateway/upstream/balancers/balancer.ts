import type { IncomingHttpHeaders } from 'node:http'
import type { Random } from '../../../core/clock.js'

export interface BalancerTarget {
  /** The target URL origin, unique within an upstream. */
  readonly id: string
  /** Integer >= 1. */
  readonly weight: number
  /** Maintained by the caller: ++ when a request starts, -- when it ends. */
  inFlight: number
  /** Maintained by the caller (health checks, outlier ejection); only healthy targets are picked. */
  health: TargetHealth
}

/**
 * `unhealthy`: failed active health checks, back when they pass again. `ejected`: cut off by
 * passive health (outlier detection) for a while. Each says who took the target out, so the one
 * that did is the one that brings it back.
 */
export type TargetHealth = 'healthy' | 'unhealthy' | 'ejected'

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
  /** A healthy target not in `exclude` (the ones a request already tried), or undefined when there is none. */
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
  return target.health === 'healthy' && (exclude === undefined || !exclude.has(target))
}
