// Guards a caller's request before anything is queued. A mistake here is the caller's: it rejects
// with SLC_INVALID_OPTIONS naming the field, and never reaches the supplier, the retry policy or the
// breaker (one malformed call used to open the circuit for every caller). The rules are undici's
// own (lib/core/request.js), checked here so the message is ours and says which field; what undici
// still refuses is classified the same way (attempt-error.ts).

import { InvalidOptionsError } from '../errors.js'
import type { DispatchRequest } from './request.js'

/** A request-target byte undici accepts: visible latin-1, so no space, control character or CR/LF. */
const PATH = /^[\x21-\xff]*$/
/** RFC 9110 §5.6.2 token: methods and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** RFC 9110 §5.5 field value: no CR, LF or NUL, so a value cannot smuggle in a header of its own. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

function fail (field: string, problem: string, value: unknown): never {
  let shown: string
  try { shown = JSON.stringify(value) ?? String(value) } catch { shown = typeof value }
  throw new InvalidOptionsError(`request.${field}: ${problem} (got ${shown})`)
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const isQueryScalar = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))

/** Throws InvalidOptionsError unless `req` is a request the transport can send as given. */
export function checkRequest (req: unknown): asserts req is DispatchRequest {
  if (!isPlainObject(req)) throw new InvalidOptionsError(`request: must be an object (got ${req === null ? 'null' : typeof req})`)
  if (typeof req.supplier !== 'string') fail('supplier', 'must be a supplier name', req.supplier)
  const { path, method, headers, query, signal, idempotent } = req
  if (typeof path !== 'string') fail('path', 'must be a string', path)
  if (!PATH.test(path)) fail('path', 'must not contain spaces, control characters or characters beyond latin-1 (percent-encode them)', path)
  if (method !== undefined && (typeof method !== 'string' || !TOKEN.test(method))) fail('method', 'must be an HTTP method name', method)
  if (headers !== undefined) {
    if (!isPlainObject(headers)) fail('headers', 'must be an object of header names to strings', headers)
    for (const name in headers) {
      const value = headers[name]
      if (!TOKEN.test(name)) fail(`headers[${JSON.stringify(name)}]`, 'is not a valid header name', name)
      if (typeof value !== 'string') fail(`headers[${JSON.stringify(name)}]`, 'must be a string', value)
      if (!FIELD_VALUE.test(value)) fail(`headers[${JSON.stringify(name)}]`, 'must not contain CR, LF or NUL', value)
    }
  }
  if (query !== undefined) {
    if (!isPlainObject(query)) fail('query', 'must be an object of names to values', query)
    for (const name in query) {
      const v = query[name]
      if (v === undefined || isQueryScalar(v) || (Array.isArray(v) && v.every(isQueryScalar))) continue
      fail(`query.${name}`, 'must be a string, number, boolean or a list of them', v)
    }
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) fail('signal', 'must be an AbortSignal', signal)
  if (idempotent !== undefined && typeof idempotent !== 'boolean') fail('idempotent', 'must be true or false', idempotent)
}
