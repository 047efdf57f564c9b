// The base of every error Sluice raises or answers with. Codes are stable: users match on them, docs/errors.md
// lists them (a test keeps the two in sync), and gateway/reply.ts maps them to HTTP responses.
// Each class declares its `kind`, which alone decides how retry, the breaker and the counters treat
// it (src/error-kinds.ts): a new error class needs nothing added anywhere else.

import type { ErrorCode } from './codes.js'

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

/** Options every Sluice error takes besides its own arguments. */
export interface SluiceErrorOptions extends ErrorOptions {
  /** Show `message` to clients even on a 5xx (default: only 4xx messages are exposed). */
  expose?: boolean
  /** How long the caller should wait before trying again, when the error knows (Retry-After). */
  retryAfterMs?: number
}

/**
 * The base of every error Sluice raises or answers with: match on `code` (an `SLC_*` string,
 * listed with what to do in docs/errors.md), or on the subclass. `SluiceError.is(err)` also
 * recognises errors from another copy of the package.
 */
export class SluiceError extends Error {
  /** The code every error of this class carries (each subclass declares its own). */
  static readonly code: ErrorCode = 'SLC_INTERNAL'
  /** Each subclass declares its kind; the base class is only ever thrown by a subclass. */
  static readonly kind: ErrorKind = 'internal'
  /** One sentence for docs/errors.md's Meaning column (a test keeps the two equal). */
  static readonly meaning: string = ''
  /** The stable `SLC_*` code to match on (docs/errors.md); message texts may change, codes do not. */
  readonly code: ErrorCode
  /** HTTP status a gateway answers with; 0 where the error never reaches an HTTP client. */
  readonly status: number
  /** True when `message` may be shown to an HTTP client (4xx errors, and a few 5xx that say so). */
  readonly expose: boolean
  /** Who the error blames: decides retries, breaker counting and metrics (see `ErrorKind`). */
  readonly kind: ErrorKind
  /** Read by retry and the breaker (src/core/retry-after.ts); undefined when the error gives none. */
  readonly retryAfterMs: number | undefined
  readonly [BRAND] = true

  constructor (code: ErrorCode, status: number, message: string, options?: SluiceErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.status = status
    this.expose = options?.expose ?? (status >= 400 && status < 500)
    this.kind = (new.target as typeof SluiceError).kind
    this.retryAfterMs = options?.retryAfterMs
  }

  /** True for any Sluice error, even one made by another copy of the package (where `instanceof` fails). */
  static is (err: unknown): err is SluiceError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true
  }
}
