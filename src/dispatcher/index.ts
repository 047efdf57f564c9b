// `sluice/dispatcher`: the outbound dispatcher on its own. It loads what calling suppliers needs
// (undici, ioredis, TypeBox for the options) and none of the gateway's dependencies (pino,
// prom-client, yaml, jose): test/e2e/entry-imports.test.ts checks it.

export * from '../errors.js'
export { createDispatcher } from './dispatcher.js'
export type { Dispatcher, CloseOptions, DispatcherEvents, RequestEndEvent } from './dispatcher.js'
export type { DispatcherOptions, SupplierOptions, StoreOptions } from './options.js'
export type { DispatchRequest, QueryValue } from './request.js'
export type { DispatchResponse, ResponseHeaders } from './response.js'
export type { SupplierMetrics, Percentiles, BreakerStateName } from './stats.js'
export type { StoreLogger as DispatcherLogger } from '../core/limiter/store-health.js'
export type { Outcome } from './outcome.js'
export { systemClock } from '../core/clock.js'
export type { Clock, TimerHandle, Random } from '../core/clock.js'
export { ManualClock } from '../core/manual-clock.js'
export { parseDuration, parseSize } from '../core/duration.js'
export type { Duration } from '../core/duration.js'
export type { PriorityInput, PriorityName, PriorityLevel } from '../core/priority.js'
export type { BucketRule, Decision, LimiterStore } from '../core/limiter/limiter.js'
export { createMemoryStore } from '../core/limiter/memory-store.js'
export { createRedisStore } from '../core/limiter/redis-store.js'
export { createRedisClient } from '../core/redis.js'
