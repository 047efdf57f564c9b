// Every error Sluice raises or answers with. Codes are stable: users match on them, docs/errors.md
// lists them (a test keeps the two in sync), and gateway/reply.ts maps them to HTTP responses.
// Each class declares its `kind`, which alone decides how retry, the breaker and the counters treat
// it (src/error-kinds.ts): a new error class needs nothing added anywhere else.

const BRAND = Symbol.for('sluice.error')

/**
 * Who an error blames, which is all the policies need to know:
 * - `caller`: the request or the caller's own options are wrong for this call, so sending it again
 *   cannot help. Nothing was sent, except when the answer broke the caller's own limit
 *   (SLC_RESPONSE_TOO_LARGE). Never retried, and says nothing about the upstream's health (one bad
 *   call must not open a breaker for everyone).
 * - `refused`: one of our own gates turned the call away (limits, queue, open circuit, store). Never
 *   retried (that only adds load where load is the problem); neutral to the breaker.
 * - `cancelled`: the caller or the process stopped the work (abort, shutdown). Neutral, not retried.
 * - `connect`: the upstream could not be reached; nothing was sent. Retried; a breaker failure.
 * - `upstream`: the upstream failed the exchange (reset, timeout, bad answer). Retried where the
 *   request may be replayed; a breaker failure.
 * - `config`: the configuration or command line is wrong; raised at start-up or reload only.
 * - `internal`: a bug; counted as a failure wherever it surfaces.
 */
export type ErrorKind = 'caller' | 'refused' | 'cancelled' | 'connect' | 'upstream' | 'config' | 'internal'

export interface SluiceErrorOptions extends ErrorOptions {
  /** Show `message` to clients even on a 5xx (default: only 4xx messages are exposed). */
  expose?: boolean
  /** How long the caller should wait before trying again, when the error knows (Retry-After). */
  retryAfterMs?: number
}

export class SluiceError extends Error {
  /** Each subclass declares its kind; the base class is only ever thrown by a subclass. */
  static readonly kind: ErrorKind = 'internal'
  /** One sentence for docs/errors.md's Meaning column (a test keeps the two equal). */
  static readonly meaning: string = ''
  readonly code: string
  /** HTTP status a gateway answers with; 0 where the error never reaches an HTTP client. */
  readonly status: number
  readonly expose: boolean
  readonly kind: ErrorKind
  /** Read by retry and the breaker (src/core/retry-after.ts); undefined when the error gives none. */
  readonly retryAfterMs: number | undefined
  readonly [BRAND] = true

  constructor (code: string, status: number, message: string, options?: SluiceErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.status = status
    this.expose = options?.expose ?? (status >= 400 && status < 500)
    this.kind = (new.target as typeof SluiceError).kind
    this.retryAfterMs = options?.retryAfterMs
  }

  static is (err: unknown): err is SluiceError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true
  }
}

// Routing

export class RouteNotFoundError extends SluiceError {
  static readonly code = 'SLC_ROUTE_NOT_FOUND'
  static readonly kind = 'caller'
  static readonly meaning = 'No route matched host, path, method, headers and query.'
  constructor (options?: SluiceErrorOptions) {
    super(RouteNotFoundError.code, 404, 'No route matches this request', options)
  }
}

export class MethodNotAllowedError extends SluiceError {
  static readonly code = 'SLC_METHOD_NOT_ALLOWED'
  static readonly kind = 'caller'
  static readonly meaning = 'A route matched everything but the method; `Allow` lists the methods that would match.'
  /** Sent as the `Allow` header (RFC 9110 §15.5.6). */
  readonly allow: readonly string[]
  constructor (allow: readonly string[], options?: SluiceErrorOptions) {
    super(MethodNotAllowedError.code, 405, `Method not allowed here; allowed: ${allow.join(', ')}`, options)
    this.allow = allow
  }
}

// Request

export class PayloadTooLargeError extends SluiceError {
  static readonly code = 'SLC_PAYLOAD_TOO_LARGE'
  static readonly kind = 'caller'
  static readonly meaning = "The request body exceeded the route's `maxBodySize`."
  constructor (readonly limit: number, options?: SluiceErrorOptions) {
    super(PayloadTooLargeError.code, 413, `Request body exceeds ${limit} bytes`, options)
  }
}

export class HeadersTooLargeError extends SluiceError {
  static readonly code = 'SLC_HEADERS_TOO_LARGE'
  static readonly kind = 'caller'
  static readonly meaning = 'The request headers exceeded `server.maxHeaderSize`, or had more than `server.maxHeaderCount` lines.'
  constructor (message = 'Request header fields too large', options?: SluiceErrorOptions) {
    super(HeadersTooLargeError.code, 431, message, options)
  }
}

export class BadRequestError extends SluiceError {
  static readonly code = 'SLC_BAD_REQUEST'
  static readonly kind = 'caller'
  static readonly meaning = 'The request could not be parsed, or its request-target has a form the gateway does not accept (see [HTTP conformance](http-conformance.md)); in `sluice dispatch` output, an input line that is not a request (bad JSON, unknown field, duplicate id).'
  constructor (message = 'Malformed request', options?: SluiceErrorOptions) {
    super(BadRequestError.code, 400, message, options)
  }
}

export class InvalidHostError extends SluiceError {
  static readonly code = 'SLC_INVALID_HOST'
  static readonly kind = 'caller'
  static readonly meaning = 'The request has no `Host` (HTTP/1.1), more than one, an empty or invalid one, or one that disagrees with an absolute-form target.'
  constructor (message = 'Invalid Host header', options?: SluiceErrorOptions) {
    super(InvalidHostError.code, 400, message, options)
  }
}

export class UriTooLongError extends SluiceError {
  static readonly code = 'SLC_URI_TOO_LONG'
  static readonly kind = 'caller'
  static readonly meaning = 'The request line did not fit in `server.maxHeaderSize`.'
  constructor (options?: SluiceErrorOptions) {
    super(UriTooLongError.code, 414, 'Request-target too long', options)
  }
}

/** A method the gateway does not implement (unknown to the parser, or CONNECT): RFC 9110 §15.6.2. */
export class NotImplementedError extends SluiceError {
  static readonly code = 'SLC_NOT_IMPLEMENTED'
  static readonly kind = 'caller'
  static readonly meaning = 'The method is unknown to the gateway, or is `CONNECT` (no tunnels).'
  constructor (message = 'Method not implemented', options?: SluiceErrorOptions) {
    super(NotImplementedError.code, 501, message, { expose: true, ...options })
  }
}

export class HttpVersionError extends SluiceError {
  static readonly code = 'SLC_HTTP_VERSION'
  static readonly kind = 'caller'
  static readonly meaning = 'The request line names an HTTP version other than 1.0 or 1.1.'
  constructor (options?: SluiceErrorOptions) {
    super(HttpVersionError.code, 505, 'HTTP version not supported', { expose: true, ...options })
  }
}

/** The request path cannot be routed safely (see docs/paths.md); `message` says which rule it broke. */
export class InvalidPathError extends SluiceError {
  static readonly code = 'SLC_INVALID_PATH'
  static readonly kind = 'caller'
  static readonly meaning = 'The request path climbs above `/`, holds a backslash, a malformed `%` escape or a `.`/`..` hidden behind an encoded slash; or a rewrite would produce a dot segment, or would run its regex on a path over 4,096 characters (see [paths](paths.md)).'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(InvalidPathError.code, 400, message, options)
  }
}

export class RequestTimeoutError extends SluiceError {
  static readonly code = 'SLC_REQUEST_TIMEOUT'
  static readonly kind = 'caller'
  static readonly meaning = 'The request head did not arrive within `server.timeouts.headers`, or its body stalled past `server.timeouts.body`; the connection is closed.'
  constructor (message = 'The request took too long to arrive', options?: SluiceErrorOptions) {
    super(RequestTimeoutError.code, 408, message, options)
  }
}

// Auth

export class UnauthenticatedError extends SluiceError {
  static readonly code = 'SLC_UNAUTHENTICATED'
  static readonly kind = 'caller'
  static readonly meaning = "Credentials are missing or invalid: a route's JWT or API key (with a `WWW-Authenticate` challenge), or the admin API's bearer token."
  constructor (message = 'Authentication required', options?: SluiceErrorOptions) {
    super(UnauthenticatedError.code, 401, message, options)
  }
}

export class ForbiddenError extends SluiceError {
  static readonly code = 'SLC_FORBIDDEN'
  static readonly kind = 'caller'
  static readonly meaning = "The consumer lacks a scope or role the route's `auth` requires (`error=\"insufficient_scope\"`), or an admin write endpoint was called while `admin.token` is not set."
  constructor (message = 'Missing required scope', options?: SluiceErrorOptions) {
    super(ForbiddenError.code, 403, message, options)
  }
}

export class IpDeniedError extends SluiceError {
  static readonly code = 'SLC_IP_DENIED'
  static readonly kind = 'caller'
  static readonly meaning = "The client address is refused by the route's `ipRules` (resolved through `server.trustedProxies`)."
  constructor (options?: SluiceErrorOptions) {
    super(IpDeniedError.code, 403, 'Client address not allowed', options)
  }
}

export class KeyNotFoundError extends SluiceError {
  static readonly code = 'SLC_KEY_NOT_FOUND'
  static readonly kind = 'caller'
  static readonly meaning = 'No API key has this id (`sluice keys`, `/admin/keys`).'
  constructor (id: string, options?: SluiceErrorOptions) {
    super(KeyNotFoundError.code, 404, `No API key with id ${JSON.stringify(id)}`, options)
  }
}

export class KeyRequestError extends SluiceError {
  static readonly code = 'SLC_KEY_INVALID'
  static readonly kind = 'caller'
  static readonly meaning = 'A key management request is invalid: an unknown consumer, scopes beyond the consumer\'s, a bad duration, or a key that can no longer be rotated.'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(KeyRequestError.code, 400, message, options)
  }
}

export class KeyStoreUnavailableError extends SluiceError {
  static readonly code = 'SLC_KEY_STORE_UNAVAILABLE'
  static readonly kind = 'refused'
  static readonly meaning = 'The API key store (a Redis `auth.apiKeys.store`) did not answer; the request is refused (fail closed).'
  constructor (options?: SluiceErrorOptions) {
    super(KeyStoreUnavailableError.code, 503, 'API key store unavailable', options)
  }
}

// Limits

export class RateLimitedError extends SluiceError {
  static readonly code = 'SLC_RATE_LIMITED'
  static readonly kind = 'refused'
  static readonly meaning = "A limit of the route's `rateLimits` (or the consumer's plan) refused the request; `Retry-After` says when the next one can pass."
  declare readonly retryAfterMs: number
  constructor (retryAfterMs: number, options?: SluiceErrorOptions) {
    super(RateLimitedError.code, 429, 'Rate limit exceeded', { ...options, retryAfterMs })
  }
}

export class QuotaExceededError extends SluiceError {
  static readonly code = 'SLC_QUOTA_EXCEEDED'
  static readonly kind = 'refused'
  static readonly meaning = "Reserved for the gateway's quota stage, which is not built yet: nothing raises it today."
  declare readonly retryAfterMs: number
  constructor (retryAfterMs: number, options?: SluiceErrorOptions) {
    super(QuotaExceededError.code, 429, 'Quota exceeded', { ...options, retryAfterMs })
  }
}

// Transform

export class TransformHeaderError extends SluiceError {
  static readonly code = 'SLC_TRANSFORM_INVALID_HEADER'
  static readonly kind = 'caller'
  static readonly meaning = 'A transform template expanded to a header value a header cannot carry (CR, LF or another control character, or a character above U+00FF); the request was not sent, or the response was replaced by this error.'
  constructor (readonly header: string, options?: SluiceErrorOptions) {
    super(TransformHeaderError.code, 500, `A transform produced an invalid value for header ${header}`, { expose: true, ...options })
  }
}

// Upstream

export class UpstreamTimeoutError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_TIMEOUT'
  static readonly kind = 'upstream'
  static readonly meaning = 'The upstream did not answer in time: no response head within `timeouts.response`, a body stalled past `timeouts.idle`, or a supplier call past its `timeouts.request` or its own `timeout`.'
  constructor (readonly target: string, readonly timeoutMs: number, options?: SluiceErrorOptions) {
    super(UpstreamTimeoutError.code, 504, `Upstream did not answer within ${timeoutMs}ms`, options)
  }
}

export class UpstreamUnavailableError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_UNAVAILABLE'
  static readonly kind = 'refused'
  static readonly meaning = 'No target of the upstream is available (all ejected or unhealthy).'
  constructor (readonly upstream: string, options?: SluiceErrorOptions) {
    super(UpstreamUnavailableError.code, 503, 'No upstream target is available', options)
  }
}

export class CircuitOpenError extends SluiceError {
  static readonly code = 'SLC_CIRCUIT_OPEN'
  static readonly kind = 'refused'
  static readonly meaning = 'The circuit breaker is open; the call was not attempted.'
  constructor (readonly name: string, retryAfterMs?: number, options?: SluiceErrorOptions) {
    super(CircuitOpenError.code, 503, 'Circuit breaker is open', { ...options, retryAfterMs })
  }
}

export class UpstreamSaturatedError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_SATURATED'
  static readonly kind = 'refused'
  static readonly meaning = 'A bulkhead (`createBulkhead`) is at its concurrency limit and its wait queue is full.'
  constructor (readonly name: string, options?: SluiceErrorOptions) {
    super(UpstreamSaturatedError.code, 503, 'Upstream is saturated', options)
  }
}

export class BadGatewayError extends SluiceError {
  static readonly code = 'SLC_BAD_GATEWAY'
  static readonly kind = 'upstream'
  static readonly meaning = 'The upstream refused or reset the connection, or sent an invalid response.'
  constructor (readonly target: string, message = 'Upstream connection failed', options?: SluiceErrorOptions) {
    super(BadGatewayError.code, 502, message, options)
  }
}

/** A supplier's answer was larger than the supplier's `maxResponseSize` (dispatcher). */
export class ResponseTooLargeError extends SluiceError {
  static readonly code = 'SLC_RESPONSE_TOO_LARGE'
  // The request was sent, but the caller's own limit refused the answer: the supplier is healthy
  // and would answer the same again, so it is not retried and not a breaker failure, and a rerun
  // of \`sluice dispatch\` keeps it as final. No other kind says that (\`refused\` turns a call away
  // before it is sent, and is redone), so \`caller\` says it too (see the kind list above).
  static readonly kind = 'caller'
  static readonly meaning = "A supplier's answer was larger than its `maxResponseSize` (default 10mb); the dispatcher stopped reading it and closed the connection."
  constructor (readonly target: string, readonly limitBytes: number, options?: SluiceErrorOptions) {
    super(ResponseTooLargeError.code, 502, `Response from ${target} is larger than maxResponseSize (${limitBytes} bytes)`, options)
  }
}

// Config

export class ConfigError extends SluiceError {
  static readonly code = 'SLC_CONFIG_INVALID'
  static readonly kind = 'config'
  static readonly meaning = 'The configuration file is invalid; the message lists `file:line:col key: problem` for each error.'
  /** Each issue is already formatted as `file:line:col path: message`. */
  constructor (readonly issues: readonly string[], options?: SluiceErrorOptions) {
    super(ConfigError.code, 0, issues.join('\n'), { expose: true, ...options })
  }
}

export class ConfigEnvError extends SluiceError {
  static readonly code = 'SLC_CONFIG_ENV'
  static readonly kind = 'config'
  // eslint-disable-next-line no-template-curly-in-string -- the doc text shows the config syntax, not a template
  static readonly meaning = 'A `${VAR}` in the config names an unset variable without a default.'
  constructor (readonly variable: string, options?: SluiceErrorOptions) {
    super(ConfigEnvError.code, 0, `environment variable ${variable} is not set and has no default`, options)
  }
}

// Dispatcher

export class QueueFullError extends SluiceError {
  static readonly code = 'SLC_QUEUE_FULL'
  static readonly kind = 'refused'
  static readonly meaning = "The supplier's queue is at `maxSize`."
  constructor (readonly name: string, readonly maxSize: number, options?: SluiceErrorOptions) {
    super(QueueFullError.code, 503, `Queue for ${name} is full (${maxSize})`, options)
  }
}

export class QueueTimeoutError extends SluiceError {
  static readonly code = 'SLC_QUEUE_TIMEOUT'
  static readonly kind = 'refused'
  static readonly meaning = 'The call could not start before its deadline (its `timeout`) for want of a token or a slot.'
  constructor (readonly name: string, options?: SluiceErrorOptions) {
    super(QueueTimeoutError.code, 503, `Request to ${name} could not start before its deadline`, options)
  }
}

export class SupplierUnknownError extends SluiceError {
  static readonly code = 'SLC_SUPPLIER_UNKNOWN'
  static readonly kind = 'caller'
  static readonly meaning = '`request()` named a supplier that is not configured.'
  constructor (readonly supplier: string, options?: SluiceErrorOptions) {
    super(SupplierUnknownError.code, 0, `Unknown supplier "${supplier}"`, options)
  }
}

export class InvalidOptionsError extends SluiceError {
  static readonly code = 'SLC_INVALID_OPTIONS'
  static readonly kind = 'caller'
  static readonly meaning = 'Options or a request passed to a library call are invalid (the message names the field), or undici refused to send the request as given. Nothing was sent; it is never retried and never counted by the breaker.'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(InvalidOptionsError.code, 0, message, { expose: true, ...options })
  }
}

export class AbortedError extends SluiceError {
  static readonly code = 'SLC_ABORTED'
  static readonly kind = 'cancelled'
  static readonly meaning = "The caller's `AbortSignal` fired, or the client went away."
  constructor (message = 'The operation was aborted', options?: SluiceErrorOptions) {
    super(AbortedError.code, 499, message, options)
  }
}

// State stores

export class StoreUnavailableError extends SluiceError {
  static readonly code = 'SLC_STORE_UNAVAILABLE'
  static readonly kind = 'refused'
  static readonly meaning = 'The rate-limit store failed to answer at all (a custom `LimiterStore` whose `take` rejects). Redis errors never raise it: they answer with `onStoreError`, where `allow` sends without a token and `deny` holds calls until Redis answers again or their `timeout` ends them with `SLC_QUEUE_TIMEOUT`.'
  constructor (message = 'State store unavailable', options?: SluiceErrorOptions) {
    super(StoreUnavailableError.code, 503, message, options)
  }
}

// Lifecycle

export class ShuttingDownError extends SluiceError {
  static readonly code = 'SLC_SHUTTING_DOWN'
  static readonly kind = 'cancelled'
  static readonly meaning = 'The gateway or dispatcher is closing and accepts no new work.'
  constructor (options?: SluiceErrorOptions) {
    super(ShuttingDownError.code, 503, 'Shutting down', options)
  }
}

export class InternalError extends SluiceError {
  static readonly code = 'SLC_INTERNAL'
  static readonly kind = 'internal'
  static readonly meaning = 'An unexpected error; it is logged with its stack.'
  constructor (options?: SluiceErrorOptions) {
    super(InternalError.code, 500, 'Internal error', options)
  }
}

// CLI

export class UsageError extends SluiceError {
  static readonly code = 'SLC_USAGE'
  static readonly kind = 'config'
  static readonly meaning = 'The command line was not understood (exit code 2).'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(UsageError.code, 0, message, { expose: true, ...options })
  }
}

/** What every error class declares: its code, kind and meaning (a test checks each declares its own). */
export interface ErrorClass {
  new (...args: never[]): SluiceError
  readonly code: string
  readonly kind: ErrorKind
  readonly meaning: string
  readonly name: string
}

/** Every code above, for docs and tests. */
export const ERROR_CLASSES: readonly ErrorClass[] = [
  RouteNotFoundError, MethodNotAllowedError, PayloadTooLargeError, HeadersTooLargeError, BadRequestError,
  InvalidPathError,
  RequestTimeoutError,
  InvalidHostError, UriTooLongError, NotImplementedError, HttpVersionError,
  UnauthenticatedError, ForbiddenError, IpDeniedError, KeyNotFoundError, KeyRequestError, KeyStoreUnavailableError,
  RateLimitedError, QuotaExceededError, TransformHeaderError,
  UpstreamTimeoutError, UpstreamUnavailableError, CircuitOpenError, UpstreamSaturatedError,
  BadGatewayError, ConfigError, ConfigEnvError,
  QueueFullError, QueueTimeoutError, SupplierUnknownError, InvalidOptionsError, AbortedError,
  StoreUnavailableError, ShuttingDownError, InternalError, UsageError,
  ResponseTooLargeError,
]
