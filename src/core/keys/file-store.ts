// API keys in one JSON file ({ "keys": [records] }, mode 0600). Writers (the CLI, the admin API)
// replace the file atomically: write a temp file beside it, then rename over it, so a reader sees
// the old file or the new one, never half of one. Every gateway process (each cluster worker)
// watches the file's directory — a rename replaces the inode, so a watch on the file itself
// would go deaf after the first write — and re-reads on change; a create, revoke or rotate is
// live everywhere within milliseconds, without a reload.
//
// A file that fails to parse (a hand edit in progress) leaves the last good keys in place and is
// reported through onError. Writers read the file fresh before changing it, so two writers taking
// turns never undo each other; two writing in the same instant could (one writer at a time).
// lastUsed is kept in memory only: writing the file on the request path would race the writers.

import { watch, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { KeyRecord, KeyStore } from './key-store.js'
import { recordFromJson, recordToJson } from './key-store.js'

export interface FileKeyStoreOptions {
  /** Watch the file and re-read it on change (gateways); off for one-shot writers (the CLI). */
  watch?: boolean
  /** Hears a file that could not be read or parsed (the last good keys stay). */
  onError?: (err: unknown) => void
}

export class FileKeyStore implements KeyStore {
  readonly #path: string
  readonly #onError: (err: unknown) => void
  #records = new Map<string, KeyRecord>()
  readonly #used = new Map<string, number>()
  #watcher: FSWatcher | undefined

  constructor (path: string, options: FileKeyStoreOptions = {}) {
    this.#path = path
    this.#onError = options.onError ?? (() => {})
    this.#records = this.#read()
    if (options.watch === true) {
      const name = basename(path)
      this.#watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.#reload()
      })
      this.#watcher.on('error', this.#onError)
    }
  }

  get (id: string): KeyRecord | undefined {
    return this.#records.get(id)
  }

  async list (): Promise<KeyRecord[]> {
    return [...this.#records.values()].map(r => {
      const used = this.#used.get(r.id)
      return used === undefined ? r : { ...r, lastUsed: used }
    })
  }

  async put (record: KeyRecord): Promise<void> {
    const records = this.#read()
    records.set(record.id, record)
    const text = JSON.stringify({ keys: [...records.values()].map(recordToJson) }, null, 2) + '\n'
    const tmp = join(dirname(this.#path), `.${basename(this.#path)}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      writeFileSync(tmp, text, { mode: 0o600 })
      renameSync(tmp, this.#path)
    } catch (err) {
      try { unlinkSync(tmp) } catch {}
      throw err
    }
    this.#records = records
  }

  touch (id: string, at: number): void {
    this.#used.set(id, at)
  }

  async close (): Promise<void> {
    this.#watcher?.close()
  }

  #reload (): void {
    try {
      this.#records = this.#read()
    } catch (err) {
      this.#onError(err)
    }
  }

  #read (): Map<string, KeyRecord> {
    let text: string
    try {
      text = readFileSync(this.#path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
      throw err
    }
    const parsed = JSON.parse(text) as { keys?: unknown }
    if (!Array.isArray(parsed.keys)) throw new TypeError(`${this.#path}: expected { "keys": [...] }`)
    return new Map(parsed.keys.map((j: Record<string, unknown>) => {
      const r = recordFromJson(j)
      return [r.id, r] as const
    }))
  }
}
