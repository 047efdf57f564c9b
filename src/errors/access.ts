// Errors of the access stages: authentication, keys, limits and transforms.

import { SluiceError } from './base.js'
import type { SluiceErrorOptions } from './base.js'

// Auth

/**
 * `SLC_UNAUTHENTICATED`: Credentials are missing or invalid: a route's JWT or API key (with a
 * `WWW-Authenticate` challenge), or the admin API's bearer token.
 */
export class UnauthenticatedError extends SluiceError {
  static readonly code = 'SLC_UNAUTHENTICATED'
  static readonly kind = 'caller'
  static readonly meaning = "Credentials are missing or invalid: a route's JWT or API key (with a `WWW-Authenticate` challenge), or the admin API's bearer token."
  constructor (message = 'Authentication required', options?: SluiceErrorOptions) {
    super(UnauthenticatedError.code, 401, message, options)
  }
}

/**
 * `SLC_FORBIDDEN`: The consumer lacks a scope or role the route's `auth` requires
 * (`error=\"insufficient_scope\"`), or an admin write endpoint was called while `admin.token` is not
 * set.
 */
export class ForbiddenError extends SluiceError {
  static readonly code = 'SLC_FORBIDDEN'
  static readonly kind = 'caller'
  static readonly meaning = "The consumer lacks a scope or role the route's `auth` requires (`error=\"insufficient_scope\"`), or an admin write endpoint was called while `admin.token` is not set."
  constructor (message = 'Missing required scope', options?: SluiceErrorOptions) {
    super(ForbiddenError.code, 403, message, options)
  }
}

/**
 * `SLC_IP_DENIED`: The client address is refused by the route's `ipRules` (resolved through
 * `server.trustedProxies`).
 */
export class IpDeniedError extends SluiceError {
  static readonly code = 'SLC_IP_DENIED'
  static readonly kind = 'caller'
  static readonly meaning = "The client address is refused by the route's `ipRules` (resolved through `server.trustedProxies`)."
  constructor (options?: SluiceErrorOptions) {
    super(IpDeniedError.code, 403, 'Client address not allowed', options)
  }
}

/** `SLC_KEY_NOT_FOUND`: No API key has this id (`sluice keys`, `/admin/keys`). */
export class KeyNotFoundError extends SluiceError {
  static readonly code = 'SLC_KEY_NOT_FOUND'
  static readonly kind = 'caller'
  static readonly meaning = 'No API key has this id (`sluice keys`, `/admin/keys`).'
  constructor (id: string, options?: SluiceErrorOptions) {
    super(KeyNotFoundError.code, 404, `No API key with id ${JSON.stringify(id)}`, options)
  }
}

/**
 * `SLC_KEY_INVALID`: A key management request is invalid: an unknown consumer, scopes beyond the
 * consumer's, a bad duration, or a key that can no longer be rotated.
 */
export class KeyRequestError extends SluiceError {
  static readonly code = 'SLC_KEY_INVALID'
  static readonly kind = 'caller'
  static readonly meaning = 'A key management request is invalid: an unknown consumer, scopes beyond the consumer\'s, a bad duration, or a key that can no longer be rotated.'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(KeyRequestError.code, 400, message, options)
  }
}

/**
 * `SLC_KEY_STORE_UNAVAILABLE`: The API key store (a Redis `auth.apiKeys.store`) did not answer; the
 * request is refused (fail closed).
 */
export class KeyStoreUnavailableError extends SluiceError {
  static readonly code = 'SLC_KEY_STORE_UNAVAILABLE'
  static readonly kind = 'refused'
  static readonly meaning = 'The API key store (a Redis `auth.apiKeys.store`) did not answer; the request is refused (fail closed).'
  constructor (options?: SluiceErrorOptions) {
    super(KeyStoreUnavailableError.code, 503, 'API key store unavailable', options)
  }
}

// Limits

/**
 * `SLC_RATE_LIMITED`: A limit of the route's `rateLimits` (or the consumer's plan) refused the
 * request; `Retry-After` says when the next one can pass.
 */
export class RateLimitedError extends SluiceError {
  static readonly code = 'SLC_RATE_LIMITED'
  static readonly kind = 'refused'
  static readonly meaning = "A limit of the route's `rateLimits` (or the consumer's plan) refused the request; `Retry-After` says when the next one can pass."
  declare readonly retryAfterMs: number
  constructor (retryAfterMs: number, options?: SluiceErrorOptions) {
    super(RateLimitedError.code, 429, 'Rate limit exceeded', { ...options, retryAfterMs })
  }
}

/**
 * `SLC_QUOTA_EXCEEDED`: Reserved for the gateway's quota stage, which is not built yet: nothing raises
 * it today.
 */
export class QuotaExceededError extends SluiceError {
  static readonly code = 'SLC_QUOTA_EXCEEDED'
  static readonly kind = 'refused'
  static readonly meaning = "A quota (a limit with `quota: true`, the route's or the consumer's plan's) is spent for its calendar window; `Retry-After` says when it resets (00:00 UTC for a daily quota)."
  declare readonly retryAfterMs: number
  constructor (retryAfterMs: number, options?: SluiceErrorOptions) {
    super(QuotaExceededError.code, 429, 'Quota exceeded', { ...options, retryAfterMs })
  }
}

/** `SLC_CONSUMER_NOT_FOUND`: No consumer has this id in the config's `consumers` (`/admin/consumers/{id}/usage`). */
export class ConsumerNotFoundError extends SluiceError {
  static readonly code = 'SLC_CONSUMER_NOT_FOUND'
  static readonly kind = 'caller'
  static readonly meaning = "No consumer has this id in the config's `consumers` (`/admin/consumers/{id}/usage`)."
  constructor (id: string, options?: SluiceErrorOptions) {
    super(ConsumerNotFoundError.code, 404, `No consumer ${JSON.stringify(id)} in the config's consumers`, options)
  }
}

// Transform

/**
 * `SLC_TRANSFORM_INVALID_HEADER`: A transform template expanded to a header value a header cannot
 * carry (CR, LF or another control character, or a character above U+00FF); the request was not sent,
 * or the response was replaced by this error.
 */
export class TransformHeaderError extends SluiceError {
  static readonly code = 'SLC_TRANSFORM_INVALID_HEADER'
  static readonly kind = 'caller'
  static readonly meaning = 'A transform template expanded to a header value a header cannot carry (CR, LF or another control character, or a character above U+00FF); the request was not sent, or the response was replaced by this error.'
  /** @param header - The header whose value the transform could not set. */
  constructor (readonly header: string, options?: SluiceErrorOptions) {
    super(TransformHeaderError.code, 500, `A transform produced an invalid value for header ${header}`, { expose: true, ...options })
  }
}
