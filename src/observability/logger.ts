// The one pino root logger. Secrets are redacted by path so that no call site has to remember to.

import { pino } from 'pino'
import type { DestinationStream, Logger, LevelWithSilent } from 'pino'

export type { Logger }

export interface LoggerOptions {
  /** [info] */
  level?: LevelWithSilent
  /** Where lines go; stdout (buffered, async) when omitted. Tests pass a stream to read lines back. */
  destination?: DestinationStream
}

export const REDACT_PATHS = [
  'authorization', 'cookie', 'set-cookie',
  '*.authorization', '*.cookie', '*["set-cookie"]',
  '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]', '*.headers["proxy-authorization"]',
  '*.token', '*.password', '*.apiKey',
]

export function createLogger (options: LoggerOptions = {}): Logger {
  // Async stdout keeps the access log off the request's critical path; pino flushes it on exit.
  const dest = options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 })
  return pino({
    level: options.level ?? 'info',
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }, dest)
}
