// The one table of error semantics: what an error says about who failed, from which retry, the
// breaker, the dispatcher's counters and the gateway's connect-failure flag all derive their
// decisions. Sluice's own errors declare their kind (src/errors.ts); the errors Node and undici
// raise are known by their code, listed here once.

import { ERROR_CLASSES, SluiceError } from './errors.js'
import type { ErrorKind } from './errors.js'

/** Node and undici error codes, by the kind of failure they report. */
export const FOREIGN_KINDS: Readonly<Record<string, ErrorKind>> = Object.freeze({
  // Nothing reached the upstream: the connection was never made.
  ECONNREFUSED: 'connect',
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  ENOTFOUND: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  EAI_AGAIN: 'connect',
  ECONNABORTED: 'connect',
  // The exchange broke once under way: some of the request may have been sent.
  ECONNRESET: 'upstream',
  EPIPE: 'upstream',
  ETIMEDOUT: 'upstream',
  UND_ERR_SOCKET: 'upstream',
  UND_ERR_HEADERS_TIMEOUT: 'upstream',
  UND_ERR_BODY_TIMEOUT: 'upstream',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'upstream',
  // undici refused the request as given (bad path, header or method; a body that disagrees with its
  // content-length; an unsupported header): nothing was sent, and resending cannot help.
  UND_ERR_INVALID_ARG: 'caller',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'caller',
  UND_ERR_NOT_SUPPORTED: 'caller',
  // The pool was closed or destroyed under the request: we are shutting down.
  UND_ERR_CLOSED: 'cancelled',
  UND_ERR_DESTROYED: 'cancelled',
})

const SLUICE_KINDS: ReadonlyMap<string, ErrorKind> = new Map(ERROR_CLASSES.map(C => [C.code, C.kind]))

/** The kind of an error known only by its code (a recorded result): ours or Node's and undici's. */
export function kindOfCode (code: string): ErrorKind | undefined {
  return SLUICE_KINDS.get(code) ?? (Object.hasOwn(FOREIGN_KINDS, code) ? FOREIGN_KINDS[code] : undefined)
}

/** The kind of `err` itself (its cause is not searched); undefined when nothing is known of it. */
export function kindOf (err: unknown): ErrorKind | undefined {
  if (SluiceError.is(err)) return err.kind
  if (typeof err !== 'object' || err === null) return undefined
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && Object.hasOwn(FOREIGN_KINDS, code) ? FOREIGN_KINDS[code] : undefined
}

const NEUTRAL: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['caller', 'refused', 'cancelled', 'config'])

/**
 * True when `err` says nothing about the upstream's health: the caller's mistake, our own gates
 * turning load away, or work stopped on purpose. The breaker does not count these (a traffic spike,
 * impatient clients or one bad call would trip it otherwise), and the dispatcher counts them as
 * rejected, not failed. Unknown errors count against the upstream.
 */
export function isNeutral (err: unknown): boolean {
  const kind = kindOf(err)
  return kind !== undefined && NEUTRAL.has(kind)
}

const RETRYABLE: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['connect', 'upstream'])

/**
 * The code that makes `err` worth another attempt, or undefined. Wrappers (undici's `fetch failed`
 * → cause) are looked through a few levels deep, until an error of a known kind decides.
 */
export function retryableCode (err: unknown): string | undefined {
  let e: unknown = err
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const kind = kindOf(e)
    if (kind !== undefined) return RETRYABLE.has(kind) ? (e as { code: string }).code : undefined
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Codes of errors that mean the upstream was never reached (the gateway's `UF` flag). */
export const CONNECT_FAILURES: ReadonlySet<string> = new Set(
  Object.keys(FOREIGN_KINDS).filter(code => FOREIGN_KINDS[code] === 'connect')
)
