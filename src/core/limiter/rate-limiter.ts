// A named rule over a store: what the gateway's rate-limit stage calls to answer now, and what the
// dispatcher's scheduler calls to wait for a token. Waiting never polls: a refusal says when the
// token is due, so one timer is armed for exactly that long, then the take is tried again (another
// caller may have won the token meanwhile; then the new refusal names the next due time).

import { systemClock } from '../clock.js'
import type { Clock } from '../clock.js'
import { AbortedError, InvalidOptionsError, QueueTimeoutError } from '../../errors.js'
import type { BucketRule, Decision, LimiterStore } from './limiter.js'
import { validateRule } from './token-bucket.js'

export interface RateLimiterOptions {
  store: LimiterStore
  rule: BucketRule
  /** Names the limiter in errors (and, for the Redis store, its keys are namespaced separately). */
  name: string
  clock?: Clock
}

export interface AcquireOptions {
  /** Tokens to take (default 1). */
  cost?: number
  signal?: AbortSignal
  /** Absolute time on the limiter's clock by which the token must be had. */
  deadline?: number
  /** Builds the error thrown when the deadline cannot be met (default `QueueTimeoutError(name)`). */
  deadlineError?: () => Error
}

/** A token taken by `acquire`. */
export interface Reservation {
  /** The token is spent by a request that ran; after it, `cancel()` does nothing. */
  release (): void
  /** Gives the token back, for a request cancelled after reserving. Once only; never rejects. */
  cancel (): Promise<void>
}

/** A token-bucket limiter over a `LimiterStore`, one bucket per key. */
export interface RateLimiter {
  /** Names the limiter in its errors (and its Redis keys). */
  readonly name: string
  /** The bucket every key gets. */
  readonly rule: BucketRule
  /** Takes `cost` tokens (default 1) from `key`'s bucket now, or says when they will be there. */
  take (key: string, cost?: number): Promise<Decision>
  /** Gives back tokens a cancelled request took (never above the burst). */
  refund (key: string, cost?: number): Promise<void>
  /** Empties `key`'s bucket for `forMs` ms from now (the limited party said its window is spent). */
  pause (key: string, forMs: number): Promise<void>
  /**
   * Resolves once `cost` tokens are taken. Rejects with `AbortedError` when `signal` aborts (the
   * timer is cancelled), at once with the deadline error when the token is due after `deadline`,
   * and with `InvalidOptionsError` when `cost` exceeds the burst (it could never be had).
   */
  acquire (key: string, options?: AcquireOptions): Promise<Reservation>
}

/**
 * Creates a rate limiter on `store` (memory or Redis) with one `rule` for every key.
 *
 * @throws `InvalidOptionsError` for a rule that cannot be enforced (rate or burst not positive).
 */
export function createRateLimiter (options: RateLimiterOptions): RateLimiter {
  const { store, name } = options
  const rule = Object.freeze({ ...validateRule(options.rule, `rate limiter ${name}`) })
  const clock = options.clock ?? systemClock

  // A negative cost would mint tokens; NaN would poison a stored TAT for good.
  const checked = (what: string, n: number): number => {
    if (!(Number.isFinite(n) && n >= 0)) throw new InvalidOptionsError(`rate limiter ${name}: ${what} must be a finite number >= 0, got ${n}`)
    return n
  }
  const take = async (key: string, cost = 1): Promise<Decision> => store.take(key, checked('cost', cost), rule)
  const refund = async (key: string, cost = 1): Promise<void> => { await store.refund(key, checked('cost', cost), rule) }

  function reservation (key: string, cost: number): Reservation {
    let settled = false
    return {
      release () { settled = true },
      async cancel () {
        if (settled) return
        settled = true
        try { await refund(key, cost) } catch { /* a lost refund only makes the limit stricter */ }
      },
    }
  }

  async function acquire (key: string, opts: AcquireOptions = {}): Promise<Reservation> {
    const { cost = 1, signal, deadline } = opts
    for (;;) {
      throwIfAborted(signal)
      const d = await take(key, cost)
      if (d.ok) {
        if (signal?.aborted) {
          await reservation(key, cost).cancel()
          throwIfAborted(signal)
        }
        return reservation(key, cost)
      }
      if (!Number.isFinite(d.retryAfterMs)) {
        throw new InvalidOptionsError(`rate limiter ${name}: cost ${cost} exceeds burst ${rule.burst} and can never be had`)
      }
      if (deadline !== undefined && clock.now() + d.retryAfterMs > deadline) {
        throw opts.deadlineError?.() ?? new QueueTimeoutError(name)
      }
      await sleep(clock, d.retryAfterMs, signal)
    }
  }

  return {
    name,
    rule,
    take,
    refund,
    pause: async (key, forMs) => { await store.pause(key, checked('pause', forMs), rule) },
    acquire,
  }
}

function throwIfAborted (signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason })
}

function sleep (clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    function onAbort (): void {
      timer.cancel()
      reject(new AbortedError(undefined, { cause: signal?.reason }))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
