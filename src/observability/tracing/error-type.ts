import { SluiceError } from '../../errors.js'

/**
 * The `error.type` of a span: the upstream's own error code when the gateway's error wraps one
 * (ECONNREFUSED, UND_ERR_SOCKET), else the gateway's code (SLC_UPSTREAM_TIMEOUT), else the class.
 */
export function errorType (err: unknown): string {
  if (SluiceError.is(err)) {
    const cause = err.cause as { code?: unknown } | undefined
    return typeof cause?.code === 'string' ? cause.code : err.code
  }
  const code = (err as { code?: unknown } | undefined)?.code
  if (typeof code === 'string') return code
  return err instanceof Error ? err.name : '_OTHER'
}
