// Makes a degraded limiter store loud without flooding the log: one warning when the store starts
// failing, then at most one per interval while it keeps failing (saying how many errors it did not
// log), and one line when a take succeeds again. Counting every error is the metrics' business.
// Shared by the dispatcher's limiter store and the gateway's rate-limit store.

import type { Clock } from '../clock.js'
import type { StoreErrorEvent } from './limiter.js'

/** What a store's health is logged through: the dispatcher's `logger`, the gateway's (a pino logger fits). */
export interface StoreLogger {
  /** Logs a warning: structured fields, then the message (pino's argument order). */
  warn (obj: object, msg: string): void
}

export const STORE_WARNING_CODE = 'SLC_STORE_UNAVAILABLE'

function field (v: unknown): string {
  const s = v instanceof Error ? v.message : String(v)
  return s.replace(/\s+/g, ' ')
}

/** A warning as one line of text: the message, then its fields as `key=value`. */
export function warningText (obj: object, msg: string): string {
  const fields = Object.entries(obj).map(([k, v]) => `${k}=${field(v)}`).join(' ')
  return fields === '' ? msg : `${msg} (${fields})`
}

/** The default: one line on stderr through process.emitWarning (so `--no-warnings` silences it). */
export const warningLogger: StoreLogger = {
  warn (obj, msg) {
    process.emitWarning(warningText(obj, msg), { code: STORE_WARNING_CODE })
  },
}

export interface StoreHealthOptions {
  clock: Clock
  logger: StoreLogger
  /** Least time between two "still failing" warnings [10 000]. */
  everyMs?: number
}

export class StoreHealth {
  readonly #clock: Clock
  readonly #logger: StoreLogger
  readonly #everyMs: number
  #failing = false
  #since = 0
  #lastWarnAt = 0
  #suppressed = 0
  #errors = 0

  constructor (opts: StoreHealthOptions) {
    this.#clock = opts.clock
    this.#logger = opts.logger
    this.#everyMs = opts.everyMs ?? 10_000
  }

  get failing (): boolean { return this.#failing }

  failed (e: StoreErrorEvent): void {
    const now = this.#clock.now()
    this.#errors++
    if (!this.#failing) {
      this.#failing = true
      this.#since = now
      this.#lastWarnAt = now
      this.#suppressed = 0
      this.#errors = 1
      this.#logger.warn({ store: e.store, op: e.op, fallback: e.fallback, err: e.error },
        `limiter store unavailable: answering with onStoreError=${e.fallback}`)
      return
    }
    if (now - this.#lastWarnAt < this.#everyMs) {
      this.#suppressed++
      return
    }
    this.#logger.warn({ store: e.store, op: e.op, fallback: e.fallback, err: e.error, suppressed: this.#suppressed },
      `limiter store still unavailable: answering with onStoreError=${e.fallback}`)
    this.#lastWarnAt = now
    this.#suppressed = 0
  }

  /** A store operation succeeded: the first after failures logs the recovery. */
  succeeded (store: string): void {
    if (!this.#failing) return
    this.#failing = false
    const downMs = Math.round(this.#clock.now() - this.#since)
    this.#logger.warn({ store, downMs, errors: this.#errors, suppressed: this.#suppressed }, 'limiter store recovered')
    this.#suppressed = 0
  }
}
