// What every API key store holds and offers. Records never hold the key itself, only its hash.

export type KeyStatus = 'active' | 'revoked'

export interface KeyRecord {
  readonly id: string
  readonly consumer: string
  readonly name: string | undefined
  readonly scopes: readonly string[]
  /** SHA-256 of the secret, hex (api-key.ts). */
  readonly hash: string
  /** Wall-clock ms. */
  readonly created: number
  /** Wall-clock ms after which the key fails; undefined: never. A rotated key's grace end. */
  readonly expires: number | undefined
  readonly status: KeyStatus
  /** Set on a rotated key: the id of the key that replaces it. */
  readonly rotatedTo: string | undefined
  /** Wall-clock ms of a recent use, coarse (see the store); undefined when never seen. */
  readonly lastUsed: number | undefined
}

export interface KeyStore {
  /**
   * The record for `id`. Synchronous when the store answers from memory (the file store, the
   * Redis store's short cache), so the gateway's hot path needs no promise.
   */
  get (id: string): KeyRecord | undefined | Promise<KeyRecord | undefined>
  list (): Promise<KeyRecord[]>
  /** Creates or replaces the record with this id. */
  put (record: KeyRecord): Promise<void>
  /** Notes a use (coarse: stores may drop or batch these). */
  touch (id: string, at: number): void
  close (): Promise<void>
}

/** A record without its hash, for lists, the CLI and the admin API. */
export function publicRecord (r: KeyRecord): Omit<KeyRecord, 'hash'> {
  const { hash: _hash, ...rest } = r
  return rest
}

/** JSON form: dates as ISO strings, absent fields left out. */
export function recordToJson (r: KeyRecord): Record<string, unknown> {
  const iso = (ms: number | undefined): string | undefined => ms === undefined ? undefined : new Date(ms).toISOString()
  return {
    id: r.id,
    consumer: r.consumer,
    name: r.name,
    scopes: r.scopes,
    hash: r.hash,
    created: iso(r.created),
    expires: iso(r.expires),
    status: r.status,
    rotatedTo: r.rotatedTo,
    lastUsed: iso(r.lastUsed),
  }
}

export function recordFromJson (j: Record<string, unknown>): KeyRecord {
  const ms = (v: unknown): number | undefined => typeof v === 'string' ? Date.parse(v) : undefined
  const str = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined
  if (typeof j.id !== 'string' || typeof j.consumer !== 'string' || typeof j.hash !== 'string') {
    throw new TypeError('key record needs id, consumer and hash')
  }
  return Object.freeze({
    id: j.id,
    consumer: j.consumer,
    name: str(j.name),
    scopes: Object.freeze(Array.isArray(j.scopes) ? j.scopes.filter((s): s is string => typeof s === 'string') : []),
    hash: j.hash,
    created: ms(j.created) ?? 0,
    expires: ms(j.expires),
    status: j.status === 'revoked' ? 'revoked' : 'active',
    rotatedTo: str(j.rotatedTo),
    lastUsed: ms(j.lastUsed),
  })
}
