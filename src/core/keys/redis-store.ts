// API keys in Redis, shared by every gateway instance: one JSON string per key under
// `<prefix><id>`, their ids in the set `<prefix>ids`, the coarse last use under
// `<prefix>used:<id>` (its own key, so a use never overwrites a concurrent revoke).
//
// The gateway reads through a short cache (CACHE_MS, on the injected clock): a reused key costs a
// map lookup, not a round trip, and a create, revoke or rotate on any instance is seen by all
// within CACHE_MS. Unknown ids are cached too, so random ids cannot turn into a Redis flood. A
// Redis that does not answer fails the lookup (KeyStoreUnavailableError: the gateway refuses
// rather than admitting unchecked keys).

import type { Redis } from 'ioredis'
import type { Clock } from '../clock.js'
import { createRedisClient } from '../redis.js'
import { KeyStoreUnavailableError } from '../../errors.js'
import type { KeyRecord, KeyStore } from './key-store.js'
import { recordFromJson, recordToJson } from './key-store.js'

const CACHE_MS = 500
const MAX_CACHED = 10_000
/** At most one lastUsed write per key per this long. */
const TOUCH_MS = 60_000

export class RedisKeyStore implements KeyStore {
  readonly #redis: Redis
  readonly #prefix: string
  readonly #clock: Clock
  readonly #cache = new Map<string, { record: KeyRecord | undefined, at: number }>()
  readonly #touched = new Map<string, number>()

  constructor (url: string, prefix: string, clock: Clock) {
    this.#redis = createRedisClient(url)
    this.#prefix = prefix
    this.#clock = clock
  }

  /** Resolves once connected (one-shot writers; the gateway just starts asking). */
  ready (): Promise<void> {
    if (this.#redis.status === 'ready') return Promise.resolve()
    return new Promise((resolve) => { this.#redis.once('ready', () => resolve()) })
  }

  get (id: string): KeyRecord | undefined | Promise<KeyRecord | undefined> {
    const now = this.#clock.now()
    const hit = this.#cache.get(id)
    if (hit !== undefined && now - hit.at < CACHE_MS) return hit.record
    return this.#redis.get(this.#prefix + id).then((text) => {
      const record = text === null ? undefined : recordFromJson(JSON.parse(text) as Record<string, unknown>)
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear()
      this.#cache.set(id, { record, at: now })
      return record
    }, (err: unknown) => { throw new KeyStoreUnavailableError({ cause: err }) })
  }

  async list (): Promise<KeyRecord[]> {
    const ids = (await this.#redis.smembers(this.#prefix + 'ids')).sort()
    if (ids.length === 0) return []
    const texts = await this.#redis.mget(ids.map(id => this.#prefix + id))
    const used = await this.#redis.mget(ids.map(id => `${this.#prefix}used:${id}`))
    const out: KeyRecord[] = []
    texts.forEach((t, i) => {
      if (t === null) return
      const r = recordFromJson(JSON.parse(t) as Record<string, unknown>)
      const u = used[i]
      out.push(u == null ? r : { ...r, lastUsed: Number(u) })
    })
    return out
  }

  async put (record: KeyRecord): Promise<void> {
    await this.#redis.multi()
      .set(this.#prefix + record.id, JSON.stringify(recordToJson(record)))
      .sadd(this.#prefix + 'ids', record.id)
      .exec()
    this.#cache.delete(record.id)
  }

  touch (id: string, at: number): void {
    const now = this.#clock.now()
    const last = this.#touched.get(id)
    if (last !== undefined && now - last < TOUCH_MS) return
    if (this.#touched.size >= MAX_CACHED) this.#touched.clear()
    this.#touched.set(id, now)
    this.#redis.set(`${this.#prefix}used:${id}`, String(at)).catch(() => {})
  }

  async close (): Promise<void> {
    this.#redis.disconnect()
  }
}
