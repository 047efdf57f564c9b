// What the admin API says about configs: the one in service (its hash and when it went live) and
// the last few reload attempts with their located errors. A failed reload keeps the old config, so
// "loaded at" and "last reload" differ exactly when the last attempt failed.

import { createHash } from 'node:crypto'
import { stableKey } from '../core/stable-key.js'

/** Most reload attempts kept; the dashboard shows them, older ones are in the log. */
const HISTORY = 10

export interface ReloadEntry {
  /** ISO wall time of the attempt. */
  readonly at: string
  readonly result: 'success' | 'failure'
  /** The hash of the config that went live (success only). */
  readonly configHash?: string
  /** `file:line:col path: message`, one per problem (failure only). */
  readonly issues?: readonly string[]
}

export interface ConfigState {
  readonly configHash: string
  readonly loadedAt: string
  readonly lastReload: ReloadEntry | undefined
  /** Newest first. */
  readonly reloads: readonly ReloadEntry[]
}

/** A short hex digest of the config as loaded (key order does not matter). */
export function configHash (config: unknown): string {
  return createHash('sha256').update(stableKey(config)).digest('hex').slice(0, 16)
}

export class ReloadLog {
  #hash: string
  #loadedAt: string
  readonly #entries: ReloadEntry[] = []

  /** `config` is the one loaded at start, at wall time `atMs`. */
  constructor (config: unknown, atMs: number) {
    this.#hash = configHash(config)
    this.#loadedAt = new Date(atMs).toISOString()
  }

  succeeded (config: unknown, atMs: number): void {
    this.#hash = configHash(config)
    this.#loadedAt = new Date(atMs).toISOString()
    this.#push({ at: this.#loadedAt, result: 'success', configHash: this.#hash })
  }

  failed (issues: readonly string[], atMs: number): void {
    this.#push({ at: new Date(atMs).toISOString(), result: 'failure', issues: [...issues] })
  }

  #push (e: ReloadEntry): void {
    this.#entries.unshift(Object.freeze(e))
    if (this.#entries.length > HISTORY) this.#entries.pop()
  }

  get state (): ConfigState {
    return {
      configHash: this.#hash,
      loadedAt: this.#loadedAt,
      lastReload: this.#entries[0],
      reloads: [...this.#entries],
    }
  }
}
