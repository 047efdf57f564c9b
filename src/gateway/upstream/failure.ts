// What an attempt's error says happened, in the words of `retry.on`. Forward (forward.ts) has
// already turned undici's errors into ours; the cause it kept tells a refused connection from a
// broken one, by the same tests Forward used to pick the access-log flag (UF, UP, UR).

import { BadGatewayError, UpstreamTimeoutError } from '../../errors.js'
import { CONNECT_FAILURES } from '../../error-kinds.js'

export type AttemptFailure = 'connect-failure' | 'reset' | 'timeout'

/** An upstream answer that could not be parsed (flag UP): a proxy error, not a broken connection. */
export function isInvalidResponse (err: Error): boolean {
  const code = (err as { code?: string }).code ?? ''
  return err.name === 'HTTPParserError' || code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
}

/** The failure `err` reports, or undefined when it is none of these (an invalid response, a cancel, …). */
export function attemptFailure (err: unknown): AttemptFailure | undefined {
  if (err instanceof UpstreamTimeoutError) return 'timeout'
  if (!(err instanceof BadGatewayError)) return undefined
  const cause = err.cause
  if (!(cause instanceof Error)) return 'reset'
  if (CONNECT_FAILURES.has((cause as { code?: string }).code ?? '')) return 'connect-failure'
  return isInvalidResponse(cause) ? undefined : 'reset'
}
