// The one pino root logger. Secrets are redacted by path so that no call site has to remember to.

import { pino } from 'pino'
import type { DestinationStream, Logger, LevelWithSilent } from 'pino'
import { systemClock, type Clock } from '../core/clock.js'
import { BatchWriter, logWriter } from './batch-writer.js'

export type { Logger }

export interface LoggerOptions {
  /** [info] */
  level?: LevelWithSilent
  /**
   * Where lines go; stdout when omitted, in batches (batch-writer.ts) that the access log writes
   * into too. Tests pass a stream to read lines back.
   */
  destination?: DestinationStream
  /**
   * A `destination` that buffers (has `flush`) is flushed this often [1000 ms], so on a quiet
   * gateway a line never waits for the buffer to fill. 0 turns it off. The default destination
   * (a BatchWriter) needs none: it hands each batch on within FLUSH_MS.
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
  const dest = options.destination ?? logWriter(1)
  if (!(dest instanceof BatchWriter)) {
    flushPeriodically(dest, options.flushIntervalMs ?? 1000, options.clock ?? systemClock)
  }
  return pino({
    level: options.level ?? 'info',
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }, dest)
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
