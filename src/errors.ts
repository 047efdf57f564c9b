// Every error Sluice raises or answers with. Codes are stable: users match on them, docs/errors.md
// lists them (a test keeps the two in sync), and gateway/reply.ts maps them to HTTP responses.

const BRAND = Symbol.for('sluice.error')

export interface SluiceErrorOptions extends ErrorOptions {
  /** Show `message` to clients even on a 5xx (default: only 4xx messages are exposed). */
  expose?: boolean
}

export class SluiceError extends Error {
  readonly code: string
  /** HTTP status a gateway answers with; 0 where the error never reaches an HTTP client. */
  readonly status: number
  readonly expose: boolean
  readonly [BRAND] = true

  constructor (code: string, status: number, message: string, options?: SluiceErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.status = status
    this.expose = options?.expose ?? (status >= 400 && status < 500)
  }

  static is (err: unknown): err is SluiceError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true
  }
}

// Routing

export class RouteNotFoundError extends SluiceError {
  static readonly code = 'SLC_ROUTE_NOT_FOUND'
  constructor (options?: SluiceErrorOptions) {
    super(RouteNotFoundError.code, 404, 'No route matches this request', options)
  }
}

// Request

export class PayloadTooLargeError extends SluiceError {
  static readonly code = 'SLC_PAYLOAD_TOO_LARGE'
  constructor (readonly limit: number, options?: SluiceErrorOptions) {
    super(PayloadTooLargeError.code, 413, `Request body exceeds ${limit} bytes`, options)
  }
}

export class HeadersTooLargeError extends SluiceError {
  static readonly code = 'SLC_HEADERS_TOO_LARGE'
  constructor (message = 'Request header fields too large', options?: SluiceErrorOptions) {
    super(HeadersTooLargeError.code, 431, message, options)
  }
}

export class BadRequestError extends SluiceError {
  static readonly code = 'SLC_BAD_REQUEST'
  constructor (message = 'Malformed request', options?: SluiceErrorOptions) {
    super(BadRequestError.code, 400, message, options)
  }
}

export class InvalidHostError extends SluiceError {
  static readonly code = 'SLC_INVALID_HOST'
  constructor (message = 'Invalid Host header', options?: SluiceErrorOptions) {
    super(InvalidHostError.code, 400, message, options)
  }
}

export class UriTooLongError extends SluiceError {
  static readonly code = 'SLC_URI_TOO_LONG'
  constructor (options?: SluiceErrorOptions) {
    super(UriTooLongError.code, 414, 'Request-target too long', options)
  }
}

/** A method the gateway does not implement (unknown to the parser, or CONNECT): RFC 9110 §15.6.2. */
export class NotImplementedError extends SluiceError {
  static readonly code = 'SLC_NOT_IMPLEMENTED'
  constructor (message = 'Method not implemented', options?: SluiceErrorOptions) {
    super(NotImplementedError.code, 501, message, { expose: true, ...options })
  }
}

export class HttpVersionError extends SluiceError {
  static readonly code = 'SLC_HTTP_VERSION'
  constructor (options?: SluiceErrorOptions) {
    super(HttpVersionError.code, 505, 'HTTP version not supported', { expose: true, ...options })
  }
}

// Auth

export class UnauthenticatedError extends SluiceError {
  static readonly code = 'SLC_UNAUTHENTICATED'
  constructor (message = 'Authentication required', options?: SluiceErrorOptions) {
    super(UnauthenticatedError.code, 401, message, options)
  }
}

export class ForbiddenError extends SluiceError {
  static readonly code = 'SLC_FORBIDDEN'
  constructor (message = 'Missing required scope', options?: SluiceErrorOptions) {
    super(ForbiddenError.code, 403, message, options)
  }
}

// Limits

export class RateLimitedError extends SluiceError {
  static readonly code = 'SLC_RATE_LIMITED'
  constructor (readonly retryAfterMs: number, options?: SluiceErrorOptions) {
    super(RateLimitedError.code, 429, 'Rate limit exceeded', options)
  }
}

export class QuotaExceededError extends SluiceError {
  static readonly code = 'SLC_QUOTA_EXCEEDED'
  constructor (readonly retryAfterMs: number, options?: SluiceErrorOptions) {
    super(QuotaExceededError.code, 429, 'Quota exceeded', options)
  }
}

// Upstream

export class UpstreamTimeoutError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_TIMEOUT'
  constructor (readonly target: string, readonly timeoutMs: number, options?: SluiceErrorOptions) {
    super(UpstreamTimeoutError.code, 504, `Upstream did not answer within ${timeoutMs}ms`, options)
  }
}

export class UpstreamUnavailableError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_UNAVAILABLE'
  constructor (readonly upstream: string, options?: SluiceErrorOptions) {
    super(UpstreamUnavailableError.code, 503, 'No upstream target is available', options)
  }
}

export class CircuitOpenError extends SluiceError {
  static readonly code = 'SLC_CIRCUIT_OPEN'
  constructor (readonly name: string, readonly retryAfterMs?: number, options?: SluiceErrorOptions) {
    super(CircuitOpenError.code, 503, 'Circuit breaker is open', options)
  }
}

export class UpstreamSaturatedError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_SATURATED'
  constructor (readonly name: string, options?: SluiceErrorOptions) {
    super(UpstreamSaturatedError.code, 503, 'Upstream is saturated', options)
  }
}

export class BadGatewayError extends SluiceError {
  static readonly code = 'SLC_BAD_GATEWAY'
  constructor (readonly target: string, message = 'Upstream connection failed', options?: SluiceErrorOptions) {
    super(BadGatewayError.code, 502, message, options)
  }
}

/** The upstream answered, but with a status the caller asked us to treat as a failure (dispatcher). */
export class UpstreamStatusError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_STATUS'
  constructor (readonly upstreamStatus: number, readonly retryAfterMs?: number, options?: SluiceErrorOptions) {
    super(UpstreamStatusError.code, 502, `Upstream answered ${upstreamStatus}`, options)
  }
}

// Config

export class ConfigError extends SluiceError {
  static readonly code = 'SLC_CONFIG_INVALID'
  /** Each issue is already formatted as `file:line:col path: message`. */
  constructor (readonly issues: readonly string[], options?: SluiceErrorOptions) {
    super(ConfigError.code, 0, issues.join('\n'), { expose: true, ...options })
  }
}

export class ConfigEnvError extends SluiceError {
  static readonly code = 'SLC_CONFIG_ENV'
  constructor (readonly variable: string, options?: SluiceErrorOptions) {
    super(ConfigEnvError.code, 0, `environment variable ${variable} is not set and has no default`, options)
  }
}

// Dispatcher

export class QueueFullError extends SluiceError {
  static readonly code = 'SLC_QUEUE_FULL'
  constructor (readonly name: string, readonly maxSize: number, options?: SluiceErrorOptions) {
    super(QueueFullError.code, 503, `Queue for ${name} is full (${maxSize})`, options)
  }
}

export class QueueTimeoutError extends SluiceError {
  static readonly code = 'SLC_QUEUE_TIMEOUT'
  constructor (readonly name: string, options?: SluiceErrorOptions) {
    super(QueueTimeoutError.code, 503, `Request to ${name} could not start before its deadline`, options)
  }
}

export class SupplierUnknownError extends SluiceError {
  static readonly code = 'SLC_SUPPLIER_UNKNOWN'
  constructor (readonly supplier: string, options?: SluiceErrorOptions) {
    super(SupplierUnknownError.code, 0, `Unknown supplier "${supplier}"`, options)
  }
}

export class InvalidOptionsError extends SluiceError {
  static readonly code = 'SLC_INVALID_OPTIONS'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(InvalidOptionsError.code, 0, message, { expose: true, ...options })
  }
}

export class AbortedError extends SluiceError {
  static readonly code = 'SLC_ABORTED'
  constructor (message = 'The operation was aborted', options?: SluiceErrorOptions) {
    super(AbortedError.code, 499, message, options)
  }
}

// State stores

export class StoreUnavailableError extends SluiceError {
  static readonly code = 'SLC_STORE_UNAVAILABLE'
  constructor (message = 'State store unavailable', options?: SluiceErrorOptions) {
    super(StoreUnavailableError.code, 503, message, options)
  }
}

// Lifecycle

export class ShuttingDownError extends SluiceError {
  static readonly code = 'SLC_SHUTTING_DOWN'
  constructor (options?: SluiceErrorOptions) {
    super(ShuttingDownError.code, 503, 'Shutting down', options)
  }
}

export class InternalError extends SluiceError {
  static readonly code = 'SLC_INTERNAL'
  constructor (options?: SluiceErrorOptions) {
    super(InternalError.code, 500, 'Internal error', options)
  }
}

// CLI

export class UsageError extends SluiceError {
  static readonly code = 'SLC_USAGE'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(UsageError.code, 0, message, { expose: true, ...options })
  }
}

/** Every code above, for docs and tests. */
export const ERROR_CLASSES = [
  RouteNotFoundError, PayloadTooLargeError, HeadersTooLargeError, BadRequestError,
  InvalidHostError, UriTooLongError, NotImplementedError, HttpVersionError,
  UnauthenticatedError, ForbiddenError, RateLimitedError, QuotaExceededError,
  UpstreamTimeoutError, UpstreamUnavailableError, CircuitOpenError, UpstreamSaturatedError,
  BadGatewayError, UpstreamStatusError, ConfigError, ConfigEnvError,
  QueueFullError, QueueTimeoutError, SupplierUnknownError, InvalidOptionsError, AbortedError,
  StoreUnavailableError, ShuttingDownError, InternalError, UsageError,
] as const
