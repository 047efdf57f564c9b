// Turns a caller's request object into what the transport sends and what the policies read.

import type { Clock } from '../core/clock.js'
import { DEFAULT_PRIORITY, parsePriority } from '../core/priority.js'
import type { PriorityInput } from '../core/priority.js'
import { tryParseDuration } from '../core/duration.js'
import type { Duration } from '../core/duration.js'
import { InvalidOptionsError } from '../errors.js'
import { CallState } from './call-state.js'
import type { SupplierConfig } from './options.js'

/** A query parameter: a scalar, or a list sent as the parameter repeated. */
export type QueryValue = string | number | boolean | ReadonlyArray<string | number | boolean>

/** One call for `dispatcher.request()`. `S` is the union of the configured supplier names. */
export interface DispatchRequest<S extends string = string> {
  /** Name of the supplier to call (a key of `suppliers`). */
  supplier: S
  /** HTTP method, any case [GET]. */
  method?: string
  /** Path appended to the supplier's `baseUrl` path, such as `/v1/items`; parameters go in `query`. */
  path: string
  /** Query parameters, URL-encoded and appended; `undefined` values are left out. */
  query?: Record<string, QueryValue | undefined>
  /** Headers of this call; they replace the supplier's own `headers` of the same name, in any case. */
  headers?: Record<string, string>
  /** A string or bytes are sent as is; anything else is sent as JSON (with `content-type: application/json`). */
  body?: unknown
  /** `highest` … `lowest` or 1 … 5; default `normal`. */
  priority?: PriorityInput
  /**
   * Whole-call deadline, queueing, attempts and backoff included: `'5s'`, `'250ms'` or a number of
   * ms. Past it the call rejects with `SLC_QUEUE_TIMEOUT` (still queued) or `SLC_UPSTREAM_TIMEOUT`;
   * a call that cannot start in time is refused at once. None by default (each attempt still has
   * the supplier's `timeouts.request`).
   */
  timeout?: Duration
  /**
   * Aborts the call wherever it is (queued, in flight, between attempts): it rejects with `SLC_ABORTED`,
   * the signal's reason as `cause`.
   */
  signal?: AbortSignal
  /** Allows retrying a non-idempotent method (an `Idempotency-Key` header implies it). */
  idempotent?: boolean
}

export interface Prepared {
  /** The request and what the policies read about it. */
  meta: CallState
  timeoutMs: number | undefined
}

function queryString (query: DispatchRequest['query']): string {
  if (query === undefined) return ''
  const sp = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue
    if (Array.isArray(v)) for (const x of v) sp.append(k, String(x))
    else sp.append(k, String(v))
  }
  const s = sp.toString()
  return s === '' ? '' : `?${s}`
}

function hasHeader (headers: Record<string, string>, lower: string): boolean {
  for (const k in headers) if (k.toLowerCase() === lower) return true
  return false
}

function encodeBody (body: unknown, headers: Record<string, string>): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json'
  let json: string | undefined
  try {
    json = JSON.stringify(body)
  } catch (err) {
    throw new InvalidOptionsError(`request.body: cannot be sent as JSON (${(err as Error).message})`, { cause: err })
  }
  if (json === undefined) throw new InvalidOptionsError(`request.body: cannot be sent as JSON (a ${typeof body})`)
  return json
}

/**
 * The supplier's headers when the request adds none and its body needs no content type: they are
 * only read downstream, so a call costs no copy of them.
 */
function headersFor (req: DispatchRequest, cfg: SupplierConfig): Record<string, string> {
  const body = req.body
  const json = body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)
  if (req.headers === undefined && !json) return cfg.headers as Record<string, string>
  // The supplier's names are lower case (options.ts): a request's header replaces it in any case.
  const out = { ...cfg.headers }
  for (const k in req.headers) out[k.toLowerCase()] = req.headers[k]!
  return out
}

/** `req` has passed checkRequest (request-check.ts); the options it names are read here. */
export function prepareRequest (req: DispatchRequest, cfg: SupplierConfig, clock: Clock): Prepared {
  const reqPath = req.path
  const method = req.method === undefined ? 'GET' : req.method.toUpperCase()
  const headers = headersFor(req, cfg)
  const body = encodeBody(req.body, headers)
  let path = reqPath.charCodeAt(0) === 47 /* / */ ? cfg.basePath + reqPath : cfg.basePath + '/' + reqPath
  if (req.query !== undefined) path += queryString(req.query)
  let timeoutMs: number | undefined
  if (req.timeout !== undefined) {
    timeoutMs = tryParseDuration(req.timeout)
    if (timeoutMs === undefined) throw new InvalidOptionsError(`request.timeout: invalid duration ${JSON.stringify(req.timeout)}`)
  }
  const idempotent = req.idempotent === true || hasHeader(headers, 'idempotency-key')
  const priority = req.priority === undefined ? DEFAULT_PRIORITY : parsePriority(req.priority)
  const deadline = timeoutMs === undefined ? undefined : clock.now() + timeoutMs
  return { meta: new CallState(method, path, headers, body, idempotent, priority, deadline), timeoutMs }
}
