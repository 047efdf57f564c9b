// The library surface of the `sluice` package: the two faces (gateway, dispatcher), the shared
// resilience core they are built from, config loading, observability bindings and error classes.
// `sluice/dispatcher` and `sluice/gateway` are the two faces alone (src/dispatcher/index.ts,
// src/gateway/index.ts); importing the dispatcher's loads none of the gateway's dependencies.

export * from './dispatcher/index.js'
export * from './gateway/index.js'

// Core
export { wrap, rootContext } from './core/policy.js'
export type { Policy, PolicyContext, CallMeta } from './core/policy.js'
export { Emitter } from './core/events.js'
export { backoffDelay } from './core/backoff.js'
export { createRetryPolicy } from './core/retry.js'
export type { RetryOptions, RetryPolicy } from './core/retry.js'
export { createRetryBudget } from './core/retry-budget.js'
export { parseRetryAfter } from './core/retry-after.js'
export { createCircuitBreaker } from './core/breaker/breaker.js'
export type { BreakerOptions, BreakerState, CircuitBreaker } from './core/breaker/breaker.js'
export { createTimeoutPolicy, timeoutSignal } from './core/timeout.js'
export { createBulkhead } from './core/bulkhead.js'
export type { Bulkhead, BulkheadOptions } from './core/bulkhead.js'
export { PriorityQueue } from './core/queue/priority-queue.js'
export { parsePriority } from './core/priority.js'
export { createRateLimiter } from './core/limiter/rate-limiter.js'
export type { RateLimiter, Reservation } from './core/limiter/rate-limiter.js'
