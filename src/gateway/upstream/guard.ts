// An upstream's guard (issue 8): its circuit breaker and its concurrency limits, as policies around
// each attempt (breaker outside, so an open breaker turns a request away before any limit or
// target sees it). A keyed resource (resources.ts) named by the upstream's whole config: a reload
// that leaves the upstream alone keeps the breaker's state and the learnt limit, a changed
// upstream starts fresh.
//
// The limit counts what its targets count: an attempt is in flight from its dispatch until its
// exchange ends, response body included (Target.inFlight, kept by forward.ts), so a slow download
// holds its place as Envoy's max_requests does. The check and the dispatch that counts run in one
// synchronous step (this policy is innermost, and an attempt dispatches at once), so no two
// requests can both see the last free place: never more than the limit in flight.

import type { Clock } from '../../core/clock.js'
import { createAdaptiveLimit } from '../../core/adaptive-limit.js'
import type { AdaptiveLimit } from '../../core/adaptive-limit.js'
import { createCircuitBreaker } from '../../core/breaker/breaker.js'
import type { BreakerOptions, CircuitBreaker } from '../../core/breaker/breaker.js'
import type { CallMeta, Policy, PolicyContext } from '../../core/policy.js'
import { parseDuration } from '../../core/duration.js'
import type { UpstreamConfig } from '../../config/schema/index.js'
import { UpstreamSaturatedError } from '../../errors.js'
import { isNeutral } from '../../error-kinds.js'
import type { ResponseHead } from '../contract.js'
import type { Resource } from '../resources.js'
import type { UpstreamCall } from './call.js'

/** Every 5xx answer is a breaker failure; 429 and other 4xx are not (issue 8). */
const FAILURE_STATUSES = Array.from({ length: 100 }, (_, i) => 500 + i)

export class UpstreamGuard implements Resource {
  /** The resource key: the upstream's name and the stable key of its whole config. */
  readonly key: string
  readonly breaker: CircuitBreaker | undefined
  readonly adaptive: AdaptiveLimit | undefined
  readonly maxRequests: number
  readonly #name: string
  readonly #clock: Clock

  constructor (name: string, hash: string, uc: UpstreamConfig, clock: Clock) {
    this.key = guardKey(name, hash)
    this.#name = name
    this.#clock = clock
    this.breaker = uc.circuitBreaker === undefined
      ? undefined
      : createCircuitBreaker(breakerOptions(name, uc), { clock })
    this.maxRequests = uc.limits?.maxRequests ?? Infinity
    const adaptive = uc.limits?.adaptive
    this.adaptive = adaptive === undefined ? undefined : createAdaptiveLimit(adaptive, { clock })
  }

  /** Requests allowed in flight now; Infinity when the upstream has no limits. */
  get limit (): number {
    return this.adaptive === undefined ? this.maxRequests : Math.min(this.maxRequests, this.adaptive.limit)
  }

  get limited (): boolean { return this.maxRequests !== Infinity || this.adaptive !== undefined }

  /** The policies around each attempt, outermost first. `inFlight` reads the upstream's count. */
  policies (inFlight: () => number): Policy<UpstreamCall>[] {
    const out: Policy<UpstreamCall>[] = []
    if (this.breaker !== undefined) out.push(this.breaker)
    if (this.limited) out.push(this.#admission(inFlight))
    return out
  }

  close (): void {}

  #admission (inFlight: () => number): Policy<UpstreamCall> {
    const adaptive = this.adaptive
    const clock = this.#clock
    const name = this.#name
    const limit = (): number => this.limit
    return {
      execute<T, M extends CallMeta> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T> {
        const n = inFlight()
        if (n >= limit()) {
          return Promise.reject(new UpstreamSaturatedError(name, { retryAfterMs: 1000 }))
        }
        if (adaptive === undefined) return fn(pc)
        const start = clock.now()
        return fn(pc).then((head) => {
          adaptive.record(clock.now() - start, n + 1, (head as ResponseHead).status < 500)
          return head
        }, (err: unknown) => {
          // Refusals, client aborts and bad requests say nothing about the upstream's capacity.
          if (!isNeutral(err) && !pc.signal.aborted) adaptive.record(clock.now() - start, n + 1, false)
          throw err
        })
      },
    }
  }
}

export function guardKey (name: string, hash: string): string {
  return `guard|${name}|${hash}`
}

function breakerOptions (name: string, uc: UpstreamConfig): BreakerOptions {
  const b = uc.circuitBreaker!
  const ratio = b.failureRatio ?? (b.consecutiveFailures === undefined ? 0.5 : undefined)
  return {
    name,
    failureRatio: ratio,
    consecutiveFailures: b.consecutiveFailures,
    minimumRequests: b.minimumRequests,
    windowMs: parseDuration(b.window),
    openForMs: parseDuration(b.openFor),
    halfOpenRequests: b.halfOpenRequests,
    failureStatuses: FAILURE_STATUSES,
  }
}
