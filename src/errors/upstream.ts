// Errors of an exchange with an upstream or supplier.

import { SluiceError } from './base.js'
import type { SluiceErrorOptions } from './base.js'

// Upstream

/**
 * `SLC_UPSTREAM_TIMEOUT`: The upstream did not answer in time: no response head within
 * `timeouts.response`, a body stalled past `timeouts.idle`, or a supplier call past its
 * `timeouts.request` or its own `timeout`.
 */
export class UpstreamTimeoutError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_TIMEOUT'
  static readonly kind = 'upstream'
  static readonly meaning = 'The upstream did not answer in time: no response head within `timeouts.response`, a body stalled past `timeouts.idle`, or a supplier call past its `timeouts.request` or its own `timeout`.'
  /**
   * @param target - The target (or supplier) that did not answer in time.
   * @param timeoutMs - The timeout that ran out, in ms.
   */
  constructor (readonly target: string, readonly timeoutMs: number, options?: SluiceErrorOptions) {
    super(UpstreamTimeoutError.code, 504, `Upstream did not answer within ${timeoutMs}ms`, options)
  }
}

/** `SLC_UPSTREAM_UNAVAILABLE`: No target of the upstream is available (all ejected or unhealthy). */
export class UpstreamUnavailableError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_UNAVAILABLE'
  static readonly kind = 'refused'
  static readonly meaning = 'No target of the upstream is available (all ejected or unhealthy).'
  /** @param upstream - The upstream with no target to send to. */
  constructor (readonly upstream: string, options?: SluiceErrorOptions) {
    super(UpstreamUnavailableError.code, 503, 'No upstream target is available', options)
  }
}

/**
 * `SLC_CIRCUIT_OPEN`: The circuit breaker is open (or half-open with its probes out); the call was
 * not attempted. A gateway answer carries `Retry-After` with the time left open.
 */
export class CircuitOpenError extends SluiceError {
  static readonly code = 'SLC_CIRCUIT_OPEN'
  static readonly kind = 'refused'
  static readonly meaning = 'The circuit breaker is open (or half-open with its probes out); the call was not attempted. A gateway answer carries `Retry-After` with the time left open.'
  /** @param breaker - The breaker's name: the upstream's or the supplier's whose circuit is open. */
  constructor (readonly breaker: string, retryAfterMs?: number, options?: SluiceErrorOptions) {
    super(CircuitOpenError.code, 503, 'Circuit breaker is open', { ...options, retryAfterMs })
  }
}

/**
 * `SLC_UPSTREAM_SATURATED`: The upstream is at its concurrency limit: a gateway upstream's `limits`
 * (`maxRequests`, or the adaptive limit; answered with `Retry-After: 1`), or a bulkhead
 * (`createBulkhead`) whose wait queue is full.
 */
export class UpstreamSaturatedError extends SluiceError {
  static readonly code = 'SLC_UPSTREAM_SATURATED'
  static readonly kind = 'refused'
  static readonly meaning = 'The upstream is at its concurrency limit: a gateway upstream\'s `limits` (`maxRequests`, or the adaptive limit; answered with `Retry-After: 1`), or a bulkhead (`createBulkhead`) whose wait queue is full.'
  /** @param upstream - The upstream (or bulkhead) whose concurrency limit was reached. */
  constructor (readonly upstream: string, options?: SluiceErrorOptions) {
    super(UpstreamSaturatedError.code, 503, 'Upstream is saturated', options)
  }
}

/** `SLC_BAD_GATEWAY`: The upstream refused or reset the connection, or sent an invalid response. */
export class BadGatewayError extends SluiceError {
  static readonly code = 'SLC_BAD_GATEWAY'
  static readonly kind = 'upstream'
  static readonly meaning = 'The upstream refused or reset the connection, or sent an invalid response.'
  /** @param target - The target (or supplier) that failed the exchange. */
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
  /**
   * @param target - The target (or supplier) whose answer was too large.
   * @param limitBytes - The limit it broke, in bytes.
   */
  constructor (readonly target: string, readonly limitBytes: number, options?: SluiceErrorOptions) {
    super(ResponseTooLargeError.code, 502, `Response from ${target} is larger than maxResponseSize (${limitBytes} bytes)`, options)
  }
}
