// Why a request ended in 502 or 504, said once at warn: the gateway's code, the upstream's own error
// code and message (ECONNREFUSED, UND_ERR_SOCKET, …), the target and the attempt. The client gets a
// generic message (reply.ts) so internals never leak; this line is where the operator finds them.
//
// A dead upstream fails every request, and one line per request would bury everything else (and
// cost a pino line each on an already failing path). So each failure (upstream, target, gateway
// code, cause code) is logged at most once per window; the first line after a quiet window says how
// many were held back (`suppressed`). The keys come from the config (upstreams, targets) and small
// fixed code sets, so the map stays small; a cap guards it should causes ever vary more than that.

import type { Clock } from '../core/clock.js'
import { SluiceError } from '../errors.js'
import type { Logger } from './logger.js'

export const FAILURE_LOG_WINDOW_MS = 10_000
const MAX_KEYS = 1024

/** Where a failed request was when it failed. */
export interface FailureSite {
  readonly reqId: string
  readonly route: string | undefined
  readonly upstream: string | undefined
  readonly target: string | undefined
  /** Attempts sent upstream (1 without retries); 0 when none was. */
  readonly attempt: number
}

interface Window { until: number, suppressed: number }

export type FailureLog = (err: unknown, site: FailureSite) => void

export function createFailureLog (logger: Logger, clock: Clock, windowMs = FAILURE_LOG_WINDOW_MS): FailureLog {
  const windows = new Map<string, Window>()
  return (err, site) => {
    if (!SluiceError.is(err) || (err.status !== 502 && err.status !== 504)) return
    const cause = rootCause(err)
    const causeCode = (cause as { code?: unknown } | undefined)?.code
    const key = `${site.upstream}\n${site.target}\n${err.code}\n${String(causeCode)}`
    const now = clock.now()
    const w = windows.get(key)
    if (w !== undefined && now < w.until) {
      w.suppressed++
      return
    }
    if (w === undefined && windows.size >= MAX_KEYS) windows.clear()
    const suppressed = w?.suppressed ?? 0
    windows.set(key, { until: now + windowMs, suppressed: 0 })
    logger.warn({
      reqId: site.reqId,
      status: err.status,
      code: err.code,
      route: site.route,
      upstream: site.upstream,
      target: site.target,
      attempt: site.attempt,
      causeCode: typeof causeCode === 'string' ? causeCode : undefined,
      cause: cause === undefined ? err.message : `${cause.message}`,
      suppressed: suppressed > 0 ? suppressed : undefined,
    }, 'upstream request failed')
  }
}

/** The innermost error under the gateway's own: undici nests the socket error it saw. */
function rootCause (err: SluiceError): Error | undefined {
  let c: unknown = err.cause
  if (!(c instanceof Error)) return undefined
  // An error without a code of its own may wrap one that has it.
  for (let i = 0; i < 4 && (c as { code?: unknown }).code === undefined && (c as Error).cause instanceof Error; i++) {
    c = (c as Error).cause
  }
  return c as Error
}
