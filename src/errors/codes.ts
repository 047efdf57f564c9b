// Every SLC_* code, in docs/errors.md's order. `SluiceError.code` is typed as this union, so a
// caller's `switch (err.code)` is checked and completed by the editor. A new error class passes its
// code to SluiceError's constructor, which only takes a code listed here: add it here (and to
// docs/errors.md, which src/errors.test.ts compares with the classes).

/** Every `SLC_*` code, in docs/errors.md's order. */
export const ERROR_CODES = [
  'SLC_ROUTE_NOT_FOUND', 'SLC_METHOD_NOT_ALLOWED', 'SLC_PAYLOAD_TOO_LARGE', 'SLC_HEADERS_TOO_LARGE', 'SLC_BAD_REQUEST',
  'SLC_REQUEST_TIMEOUT', 'SLC_INVALID_HOST', 'SLC_URI_TOO_LONG', 'SLC_NOT_IMPLEMENTED', 'SLC_HTTP_VERSION', 'SLC_INVALID_PATH',
  'SLC_UNAUTHENTICATED', 'SLC_FORBIDDEN', 'SLC_IP_DENIED', 'SLC_KEY_NOT_FOUND', 'SLC_KEY_INVALID', 'SLC_KEY_STORE_UNAVAILABLE',
  'SLC_RATE_LIMITED', 'SLC_QUOTA_EXCEEDED', 'SLC_CONSUMER_NOT_FOUND', 'SLC_TRANSFORM_INVALID_HEADER',
  'SLC_UPSTREAM_TIMEOUT', 'SLC_UPSTREAM_UNAVAILABLE', 'SLC_CIRCUIT_OPEN', 'SLC_UPSTREAM_SATURATED', 'SLC_BAD_GATEWAY',
  'SLC_RESPONSE_TOO_LARGE',
  'SLC_CONFIG_INVALID', 'SLC_CONFIG_ENV', 'SLC_QUEUE_FULL', 'SLC_QUEUE_TIMEOUT', 'SLC_SUPPLIER_UNKNOWN', 'SLC_INVALID_OPTIONS',
  'SLC_ABORTED', 'SLC_STORE_UNAVAILABLE', 'SLC_SHUTTING_DOWN', 'SLC_INTERNAL', 'SLC_USAGE',
] as const

/** One of Sluice's stable error codes (docs/errors.md says what each means and what to do). */
export type ErrorCode = typeof ERROR_CODES[number]
