// The one pino root logger. Secrets are redacted by path so that no call site has to remember to.

import { pino } from 'pino'
import type { DestinationStream, Logger, LevelWithSilent } from 'pino'
import { systemClock, type Clock } from '../core/clock.js'

export type { Logger }

export interface LoggerOptions {
  /** [info] */
  level?: LevelWithSilent
  /** Where lines go; stdout (buffered, async) when omitted. Tests pass a stream to read lines back. */
  destination?: DestinationStream
  /**
   * A buffered destination is flushed this often [1000 ms], so on a quiet gateway a line never
   * waits for the buffer to fill. 0 turns it off.
   */
  flushIntervalMs?: number
  clock?: Clock
}

export const REDACT_PATHS = [
  'authorization', 'cookie', 'set-cookie',
  '*.authorization', '*.cookie', '*["set-cookie"]',
  '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]', '*.headers["proxy-authorization"]',
  '*.token', '*.password', '*.apiKey',
]

/**
 * Creates the pino logger Sluice logs through: JSON lines on stdout, credentials redacted
 * (`authorization`, cookies, tokens, passwords, API keys).
 */
export function createLogger (options: LoggerOptions = {}): Logger {
  const dest = options.destination ?? byteDestination(1)
  flushPeriodically(dest, options.flushIntervalMs ?? 1000, options.clock ?? systemClock)
  return pino({
    level: options.level ?? 'info',
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }, dest)
}

/** A destination that also takes bytes already encoded; the access log hands it whole batches. */
export interface ByteDestination extends DestinationStream {
  writeBytes (chunk: Buffer): void
  flush (cb?: (err?: Error) => unknown): void
  flushSync (): void
}

/**
 * Asynchronous writes to `dest` (a file descriptor or path; the default logger uses stdout), flushed
 * on exit by pino, which keeps log lines off the request's critical path. sonic-boom runs in buffer
 * mode: in string mode each access-log batch was re-measured, flattened and copied to UTF-8 once more
 * before its write (1.05 µs a line against 0.77 as bytes, format to file write). pino's own (rare)
 * lines are encoded one by one.
 */
export function byteDestination (dest: number | string): ByteDestination {
  const boom = pino.destination({ dest, sync: false, minLength: 4096, contentMode: 'buffer' })
  // The typings know only string mode.
  const writeBytes = boom.write.bind(boom) as unknown as (chunk: Buffer) => boolean
  return {
    write (line: string) { writeBytes(Buffer.from(line)) },
    writeBytes,
    flush (cb?: (err?: Error) => unknown) { boom.flush(cb) },
    flushSync () { boom.flushSync() },
  }
}

function flushPeriodically (dest: DestinationStream, everyMs: number, clock: Clock): void {
  const flushable = dest as DestinationStream & { flush?: () => void }
  if (everyMs <= 0 || typeof flushable.flush !== 'function') return
  const tick = (): void => {
    // A destination still opening its file descriptor refuses to flush; the next tick retries.
    try { flushable.flush!() } catch { /* not ready yet */ }
    clock.setTimeout(tick, everyMs)
  }
  clock.setTimeout(tick, everyMs)
}
