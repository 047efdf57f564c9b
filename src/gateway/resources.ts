// Keyed resources: the parts of a snapshot that are costly to make or hold state worth keeping
// across a reload (target pools today; breakers, health checkers, limiter stores, key stores and
// JWKS caches next). A snapshot build asks for each part by a key naming the config slice that
// shapes it; an equal key hands back the part an earlier snapshot made, so a reload that leaves
// the slice alone keeps its warm sockets, breaker state or cached keys.
//
// Life of one part:
//   made     by the first build that asks for its key
//   started  when the first snapshot holding it goes live (start(), once)
//   closed   when the last live snapshot holding it retires, i.e. after that snapshot's last
//            request is over; or at once if the build that made it is rejected
//
// Invariant: an entry's `holders` counts the live snapshots whose set holds its key. An entry with
// no holders belongs to the build in progress (builds run one at a time and synchronously), so a
// rejected build may close exactly those.

export interface Resource {
  /** Called once, when the first snapshot holding this part goes live. */
  start?(): void
  /** Called once, when no live snapshot holds this part any more. */
  close (): void | Promise<void>
}

interface Entry {
  readonly value: Resource
  holders: number
  started: boolean
}

/** The parts one snapshot holds, gathered while it is built. */
export class ResourceSet {
  readonly #entries: Map<string, Entry>
  readonly #keys = new Set<string>()

  constructor (entries: Map<string, Entry>) {
    this.#entries = entries
  }

  /**
   * The part for `key`: the existing one, or `make()`'s. Keys name their kind and every setting
   * that shapes the part (`target|svc|http://a:1|…`): one key, one kind of value.
   */
  use<T extends Resource> (key: string, make: () => T): T {
    let entry = this.#entries.get(key)
    if (entry === undefined) {
      entry = { value: make(), holders: 0, started: false }
      this.#entries.set(key, entry)
    }
    this.#keys.add(key)
    return entry.value as T
  }

  get keys (): ReadonlySet<string> { return this.#keys }
}

export class ResourceRegistry {
  readonly #entries = new Map<string, Entry>()
  readonly #onError: (err: unknown, key: string) => void

  /** `onError`: hears a part's start or close that threw (the others still run). */
  constructor (onError: (err: unknown, key: string) => void = () => {}) {
    this.#onError = onError
  }

  /** A set for the next snapshot build. */
  begin (): ResourceSet {
    return new ResourceSet(this.#entries)
  }

  /** The snapshot holding `set` goes live: its parts gain a holder; new ones start. */
  activate (set: ResourceSet): void {
    for (const key of set.keys) {
      const entry = this.#entries.get(key)!
      entry.holders++
      if (entry.started) continue
      entry.started = true
      try {
        entry.value.start?.()
      } catch (err) {
        this.#onError(err, key)
      }
    }
  }

  /** The snapshot holding `set` retired (no request uses it): parts nobody else holds close. */
  release (set: ResourceSet): Promise<void> {
    const closing: Array<Promise<void>> = []
    for (const key of set.keys) {
      const entry = this.#entries.get(key)
      if (entry === undefined || --entry.holders > 0) continue
      this.#entries.delete(key)
      closing.push(this.#close(key, entry))
    }
    return Promise.all(closing).then(() => {})
  }

  /** The build that gathered `set` was rejected: the parts it made (no holders yet) close. */
  discard (set: ResourceSet): Promise<void> {
    const closing: Array<Promise<void>> = []
    for (const key of set.keys) {
      const entry = this.#entries.get(key)
      if (entry === undefined || entry.holders > 0) continue
      this.#entries.delete(key)
      closing.push(this.#close(key, entry))
    }
    return Promise.all(closing).then(() => {})
  }

  /** Closes every part (gateway shutdown, after the drain). */
  closeAll (): Promise<void> {
    const entries = [...this.#entries]
    this.#entries.clear()
    return Promise.all(entries.map(([key, entry]) => this.#close(key, entry))).then(() => {})
  }

  /** Parts currently held or being built (for tests and the admin API). */
  get size (): number { return this.#entries.size }

  async #close (key: string, entry: Entry): Promise<void> {
    try {
      await entry.value.close()
    } catch (err) {
      this.#onError(err, key)
    }
  }
}
