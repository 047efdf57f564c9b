// Errors of config, the dispatcher's queue, state stores, shutdown and the CLI.

import { SluiceError } from './base.js'
import type { SluiceErrorOptions } from './base.js'

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
  static readonly meaning = "The caller's `AbortSignal` fired, whether the call was queued, in flight or between attempts (the signal's reason is the error's `cause`), or the client went away."
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
