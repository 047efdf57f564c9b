// Every error Sluice raises or answers with. Codes are stable: users match on them, docs/errors.md
// lists them (a test keeps the two in sync), and gateway/reply.ts maps them to HTTP responses.
// Each class declares its `kind`, which alone decides how retry, the breaker and the counters treat
// it (src/error-kinds.ts): a new error class needs nothing added anywhere else.
// The classes live by area in src/errors/; this module is the one place callers import them from.

import type { ErrorKind, SluiceError } from './errors/base.js'
import type { ErrorCode } from './errors/codes.js'
import { RouteNotFoundError, MethodNotAllowedError, PayloadTooLargeError, HeadersTooLargeError, BadRequestError, InvalidHostError, UriTooLongError, NotImplementedError, HttpVersionError, InvalidPathError, RequestTimeoutError } from './errors/request.js'
import { UnauthenticatedError, ForbiddenError, IpDeniedError, KeyNotFoundError, KeyRequestError, KeyStoreUnavailableError, RateLimitedError, QuotaExceededError, ConsumerNotFoundError, TransformHeaderError } from './errors/access.js'
import { UpstreamTimeoutError, UpstreamUnavailableError, CircuitOpenError, UpstreamSaturatedError, BadGatewayError, ResponseTooLargeError } from './errors/upstream.js'
import { ConfigError, ConfigEnvError, QueueFullError, QueueTimeoutError, SupplierUnknownError, InvalidOptionsError, AbortedError, StoreUnavailableError, ShuttingDownError, InternalError, UsageError } from './errors/lifecycle.js'

export * from './errors/base.js'
export * from './errors/codes.js'
export * from './errors/request.js'
export * from './errors/access.js'
export * from './errors/upstream.js'
export * from './errors/lifecycle.js'

/** An error class as ERROR_CLASSES lists it: the facts docs/errors.md shows for its code. */
export interface ErrorClass {
  new (...args: never[]): SluiceError
  /** The code its errors carry. */
  readonly code: ErrorCode
  /** Who its errors blame. */
  readonly kind: ErrorKind
  /** One sentence: what its errors mean. */
  readonly meaning: string
  /** The class name, such as `QueueFullError`. */
  readonly name: string
}

/** Every code above, for docs and tests. */
export const ERROR_CLASSES: readonly ErrorClass[] = [
  RouteNotFoundError, MethodNotAllowedError, PayloadTooLargeError, HeadersTooLargeError, BadRequestError,
  InvalidPathError,
  RequestTimeoutError,
  InvalidHostError, UriTooLongError, NotImplementedError, HttpVersionError,
  UnauthenticatedError, ForbiddenError, IpDeniedError, KeyNotFoundError, KeyRequestError, KeyStoreUnavailableError,
  RateLimitedError, QuotaExceededError, ConsumerNotFoundError, TransformHeaderError,
  UpstreamTimeoutError, UpstreamUnavailableError, CircuitOpenError, UpstreamSaturatedError,
  BadGatewayError, ConfigError, ConfigEnvError,
  QueueFullError, QueueTimeoutError, SupplierUnknownError, InvalidOptionsError, AbortedError,
  StoreUnavailableError, ShuttingDownError, InternalError, UsageError,
  ResponseTooLargeError,
]
