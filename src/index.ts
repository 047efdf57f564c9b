// The library surface of the `sluice` package: the two faces (gateway, dispatcher), the shared
// resilience core they are built from, config loading, observability bindings and error classes.

export * from './errors.js'

// Core
export { systemClock } from './core/clock.js'
export type { Clock, TimerHandle, Random } from './core/clock.js'
export { ManualClock } from './core/manual-clock.js'
export { wrap, rootContext } from './core/policy.js'
export type { Policy, PolicyContext, CallMeta } from './core/policy.js'
export { Emitter } from './core/events.js'
export { parseDuration, parseSize } from './core/duration.js'
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
export type { PriorityInput, PriorityName, PriorityLevel } from './core/priority.js'
export { createRateLimiter } from './core/limiter/rate-limiter.js'
export type { RateLimiter, Reservation } from './core/limiter/rate-limiter.js'
export type { BucketRule, Decision, LimiterStore } from './core/limiter/limiter.js'
export { createMemoryStore } from './core/limiter/memory-store.js'
export { createRedisStore } from './core/limiter/redis-store.js'
export { createRedisClient } from './core/redis.js'

// Dispatcher
export { createDispatcher } from './dispatcher/dispatcher.js'
export type { Dispatcher, CloseOptions } from './dispatcher/dispatcher.js'
export type { DispatcherOptions, SupplierOptions } from './dispatcher/options.js'
export type { DispatchResponse } from './dispatcher/response.js'
export type { DispatchRequest } from './dispatcher/request.js'

// Gateway
export { createGateway } from './gateway/gateway.js'
export type { Gateway, GatewayOptions, ReloadResult } from './gateway/gateway.js'

// Config
export { loadConfigFile, loadConfigText } from './config/load.js'
export type { GatewayConfig } from './config/schema/index.js'

// Observability
export { createMetrics, METRIC_DEFS } from './observability/metrics.js'
export type { Metrics } from './observability/metrics.js'
export { bindDispatcherMetrics } from './observability/dispatcher-metrics.js'
export { createLogger } from './observability/logger.js'
