// Errors a gateway request can meet before any upstream: routing and the request itself.

import { SluiceError } from './base.js'
import type { SluiceErrorOptions } from './base.js'

// Routing

/** `SLC_ROUTE_NOT_FOUND`: No route matched host, path, method, headers and query. */
export class RouteNotFoundError extends SluiceError {
  static readonly code = 'SLC_ROUTE_NOT_FOUND'
  static readonly kind = 'caller'
  static readonly meaning = 'No route matched host, path, method, headers and query.'
  constructor (options?: SluiceErrorOptions) {
    super(RouteNotFoundError.code, 404, 'No route matches this request', options)
  }
}

/**
 * `SLC_METHOD_NOT_ALLOWED`: A route matched everything but the method; `Allow` lists the methods that
 * would match.
 */
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

/** `SLC_PAYLOAD_TOO_LARGE`: The request body exceeded the route's `maxBodySize`. */
export class PayloadTooLargeError extends SluiceError {
  static readonly code = 'SLC_PAYLOAD_TOO_LARGE'
  static readonly kind = 'caller'
  static readonly meaning = "The request body exceeded the route's `maxBodySize`."
  /** @param limit - The route's `maxBodySize`, in bytes. */
  constructor (readonly limit: number, options?: SluiceErrorOptions) {
    super(PayloadTooLargeError.code, 413, `Request body exceeds ${limit} bytes`, options)
  }
}

/**
 * `SLC_HEADERS_TOO_LARGE`: The request headers exceeded `server.maxHeaderSize`, or had more than
 * `server.maxHeaderCount` lines.
 */
export class HeadersTooLargeError extends SluiceError {
  static readonly code = 'SLC_HEADERS_TOO_LARGE'
  static readonly kind = 'caller'
  static readonly meaning = 'The request headers exceeded `server.maxHeaderSize`, or had more than `server.maxHeaderCount` lines.'
  constructor (message = 'Request header fields too large', options?: SluiceErrorOptions) {
    super(HeadersTooLargeError.code, 431, message, options)
  }
}

/**
 * `SLC_BAD_REQUEST`: The request could not be parsed, or its request-target has a form the gateway
 * does not accept (see [HTTP conformance](http-conformance.md)); in `sluice dispatch` output, an input
 * line that is not a request (bad JSON, unknown field, duplicate id).
 */
export class BadRequestError extends SluiceError {
  static readonly code = 'SLC_BAD_REQUEST'
  static readonly kind = 'caller'
  static readonly meaning = 'The request could not be parsed, or its request-target has a form the gateway does not accept (see [HTTP conformance](http-conformance.md)); in `sluice dispatch` output, an input line that is not a request (bad JSON, unknown field, duplicate id).'
  constructor (message = 'Malformed request', options?: SluiceErrorOptions) {
    super(BadRequestError.code, 400, message, options)
  }
}

/**
 * `SLC_INVALID_HOST`: The request has no `Host` (HTTP/1.1), more than one, an empty or invalid one, or
 * one that disagrees with an absolute-form target.
 */
export class InvalidHostError extends SluiceError {
  static readonly code = 'SLC_INVALID_HOST'
  static readonly kind = 'caller'
  static readonly meaning = 'The request has no `Host` (HTTP/1.1), more than one, an empty or invalid one, or one that disagrees with an absolute-form target.'
  constructor (message = 'Invalid Host header', options?: SluiceErrorOptions) {
    super(InvalidHostError.code, 400, message, options)
  }
}

/** `SLC_URI_TOO_LONG`: The request line did not fit in `server.maxHeaderSize`. */
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

/** `SLC_HTTP_VERSION`: The request line names an HTTP version other than 1.0 or 1.1. */
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

/**
 * `SLC_REQUEST_TIMEOUT`: The request head did not arrive within `server.timeouts.headers`, or its body
 * stalled past `server.timeouts.body`; the connection is closed.
 */
export class RequestTimeoutError extends SluiceError {
  static readonly code = 'SLC_REQUEST_TIMEOUT'
  static readonly kind = 'caller'
  static readonly meaning = 'The request head did not arrive within `server.timeouts.headers`, or its body stalled past `server.timeouts.body`; the connection is closed.'
  constructor (message = 'The request took too long to arrive', options?: SluiceErrorOptions) {
    super(RequestTimeoutError.code, 408, message, options)
  }
}
