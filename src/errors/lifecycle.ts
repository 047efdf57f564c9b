// Errors of config, the dispatcher's queue, state stores, shutdown and the CLI.

import { SluiceError } from './base.js'
import type { SluiceErrorOptions } from './base.js'

// Config

/**
 * `SLC_CONFIG_INVALID`: The configuration file is invalid; the message lists `file:line:col key:
 * problem` for each error.
 */
export class ConfigError extends SluiceError {
  static readonly code = 'SLC_CONFIG_INVALID'
  static readonly kind = 'config'
  static readonly meaning = 'The configuration file is invalid; the message lists `file:line:col key: problem` for each error.'
  /** @param issues - Each problem, already formatted as `file:line:col path: message`. */
  constructor (readonly issues: readonly string[], options?: SluiceErrorOptions) {
    super(ConfigError.code, 0, issues.join('\n'), { expose: true, ...options })
  }
}

/** `SLC_CONFIG_ENV`: A `${VAR}` in the config names an unset variable without a default. */
export class ConfigEnvError extends SluiceError {
  static readonly code = 'SLC_CONFIG_ENV'
  static readonly kind = 'config'
  // eslint-disable-next-line no-template-curly-in-string -- the doc text shows the config syntax, not a template
  static readonly meaning = 'A `${VAR}` in the config names an unset variable without a default.'
  /** @param variable - The unset variable. */
  constructor (readonly variable: string, options?: SluiceErrorOptions) {
    super(ConfigEnvError.code, 0, `environment variable ${variable} is not set and has no default`, options)
  }
}

// Dispatcher

/** `SLC_QUEUE_FULL`: The supplier's queue is at `maxSize`. */
export class QueueFullError extends SluiceError {
  static readonly code = 'SLC_QUEUE_FULL'
  static readonly kind = 'refused'
  static readonly meaning = "The supplier's queue is at `maxSize`."
  /**
   * @param supplier - The supplier whose queue is full (or the queue's own name outside the dispatcher).
   * @param maxSize - The queue's `maxSize`.
   */
  constructor (readonly supplier: string, readonly maxSize: number, options?: SluiceErrorOptions) {
    super(QueueFullError.code, 503, `Queue for ${supplier} is full (${maxSize})`, options)
  }
}

/**
 * `SLC_QUEUE_TIMEOUT`: The call could not start before its deadline (its `timeout`) for want of a
 * token or a slot.
 */
export class QueueTimeoutError extends SluiceError {
  static readonly code = 'SLC_QUEUE_TIMEOUT'
  static readonly kind = 'refused'
  static readonly meaning = 'The call could not start before its deadline (its `timeout`) for want of a token or a slot.'
  /** @param supplier - The supplier the call was for. */
  constructor (readonly supplier: string, options?: SluiceErrorOptions) {
    super(QueueTimeoutError.code, 503, `Request to ${supplier} could not start before its deadline`, options)
  }
}

/** `SLC_SUPPLIER_UNKNOWN`: `request()` named a supplier that is not configured. */
export class SupplierUnknownError extends SluiceError {
  static readonly code = 'SLC_SUPPLIER_UNKNOWN'
  static readonly kind = 'caller'
  static readonly meaning = '`request()` named a supplier that is not configured.'
  /** @param supplier - The name `request()` was given. */
  constructor (readonly supplier: string, options?: SluiceErrorOptions) {
    super(SupplierUnknownError.code, 0, `Unknown supplier "${supplier}"`, options)
  }
}

/**
 * `SLC_INVALID_OPTIONS`: Options or a request passed to a library call are invalid (the message names
 * the field), or undici refused to send the request as given. Nothing was sent; it is never retried
 * and never counted by the breaker.
 */
export class InvalidOptionsError extends SluiceError {
  static readonly code = 'SLC_INVALID_OPTIONS'
  static readonly kind = 'caller'
  static readonly meaning = 'Options or a request passed to a library call are invalid (the message names the field), or undici refused to send the request as given. Nothing was sent; it is never retried and never counted by the breaker.'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(InvalidOptionsError.code, 0, message, { expose: true, ...options })
  }
}

/**
 * `SLC_ABORTED`: The caller's `AbortSignal` fired, whether the call was queued, in flight or between
 * attempts (the signal's reason is the error's `cause`), or the client went away.
 */
export class AbortedError extends SluiceError {
  static readonly code = 'SLC_ABORTED'
  static readonly kind = 'cancelled'
  static readonly meaning = "The caller's `AbortSignal` fired, whether the call was queued, in flight or between attempts (the signal's reason is the error's `cause`), or the client went away."
  constructor (message = 'The operation was aborted', options?: SluiceErrorOptions) {
    super(AbortedError.code, 499, message, options)
  }
}

// State stores

/**
 * `SLC_STORE_UNAVAILABLE`: The rate-limit store failed to answer at all (a custom `LimiterStore` whose
 * `take` rejects). Redis errors never raise it: they answer with `onStoreError`, where `allow` sends
 * without a token and `deny` holds calls until Redis answers again or their `timeout` ends them with
 * `SLC_QUEUE_TIMEOUT`.
 */
export class StoreUnavailableError extends SluiceError {
  static readonly code = 'SLC_STORE_UNAVAILABLE'
  static readonly kind = 'refused'
  static readonly meaning = "The rate-limit store could not decide: the gateway's Redis `rateLimiting.store` did not answer and its `onStoreError` is `deny` (with `allow` the request passes instead; both log and count `sluice_store_errors_total`, and limits apply again once Redis answers), or with `server.workers` > 1 the cluster primary holding the memory store did not answer within 1 s, or a custom `LimiterStore` whose `take` rejects. The dispatcher's Redis errors never raise it: they answer with `onStoreError`, where `allow` sends without a token and `deny` holds calls until Redis answers again or their `timeout` ends them with `SLC_QUEUE_TIMEOUT`."
  constructor (message = 'State store unavailable', options?: SluiceErrorOptions) {
    super(StoreUnavailableError.code, 503, message, options)
  }
}

// Lifecycle

/** `SLC_SHUTTING_DOWN`: The gateway or dispatcher is closing and accepts no new work. */
export class ShuttingDownError extends SluiceError {
  static readonly code = 'SLC_SHUTTING_DOWN'
  static readonly kind = 'cancelled'
  static readonly meaning = 'The gateway or dispatcher is closing and accepts no new work.'
  constructor (options?: SluiceErrorOptions) {
    super(ShuttingDownError.code, 503, 'Shutting down', options)
  }
}

/** `SLC_INTERNAL`: An unexpected error; it is logged with its stack. */
export class InternalError extends SluiceError {
  static readonly code = 'SLC_INTERNAL'
  static readonly kind = 'internal'
  static readonly meaning = 'An unexpected error; it is logged with its stack.'
  constructor (options?: SluiceErrorOptions) {
    super(InternalError.code, 500, 'Internal error', options)
  }
}

// CLI

/** `SLC_USAGE`: The command line was not understood (exit code 2). */
export class UsageError extends SluiceError {
  static readonly code = 'SLC_USAGE'
  static readonly kind = 'config'
  static readonly meaning = 'The command line was not understood (exit code 2).'
  constructor (message: string, options?: SluiceErrorOptions) {
    super(UsageError.code, 0, message, { expose: true, ...options })
  }
}

/** What every error class declares: its code, kind and meaning (a test checks each declares its own). */
