// API key authentication over a KeyStore: parse `slk_<id>_<secret>`, look the record up by id,
// compare the secret's hash in constant time, then check status and expiry. A key's scopes are
// cut down to its consumer's current scopes, so narrowing a consumer in the config narrows its
// keys at once; a key whose consumer left the config stops working.

import type { Clock } from '../../core/clock.js'
import { hashBytes, parseKey, secretMatches } from '../../core/keys/api-key.js'
import type { KeyRecord, KeyStore } from '../../core/keys/key-store.js'
import type { ConsumerConfig } from '../../config/schema/index.js'
import { UnauthenticatedError } from '../../errors.js'
import type { Consumer } from '../contract.js'
import type { Resource } from '../resources.js'

export class ApiKeyAuth implements Resource {
  readonly #store: KeyStore
  readonly #consumers: Readonly<Record<string, ConsumerConfig>>
  readonly #clock: Clock
  /** One Consumer per record version: records are replaced, never edited, so identity is the version. */
  readonly #built = new WeakMap<KeyRecord, Consumer>()
  /** Each record's stored hash, decoded from hex once. */
  readonly #hashes = new WeakMap<KeyRecord, Buffer>()

  constructor (store: KeyStore, consumers: Readonly<Record<string, ConsumerConfig>>, clock: Clock) {
    this.#store = store
    this.#consumers = consumers
    this.#clock = clock
  }

  close (): Promise<void> {
    return this.#store.close()
  }

  check (key: string): Consumer | Promise<Consumer> {
    const parsed = parseKey(key)
    if (parsed === undefined) throw new UnauthenticatedError('Invalid API key')
    const found = this.#store.get(parsed.id)
    if (found instanceof Promise) return found.then(r => this.#decide(parsed.secret, r))
    return this.#decide(parsed.secret, found)
  }

  #storedHash (r: KeyRecord): Buffer {
    let bytes = this.#hashes.get(r)
    if (bytes === undefined) {
      bytes = hashBytes(r.hash)
      this.#hashes.set(r, bytes)
    }
    return bytes
  }

  #decide (secret: string, r: KeyRecord | undefined): Consumer {
    if (r === undefined || !secretMatches(secret, this.#storedHash(r))) throw new UnauthenticatedError('Invalid API key')
    if (r.status === 'revoked') throw new UnauthenticatedError('API key revoked')
    const now = this.#clock.wallNow()
    if (r.expires !== undefined && r.expires <= now) throw new UnauthenticatedError('API key expired')
    let consumer = this.#built.get(r)
    if (consumer === undefined) {
      const c = this.#consumers[r.consumer]
      if (c === undefined) throw new UnauthenticatedError('API key of an unknown consumer')
      consumer = Object.freeze({
        id: r.consumer,
        plan: c.plan,
        scopes: Object.freeze(r.scopes.filter(s => c.scopes.includes(s))),
        roles: Object.freeze([...c.roles]),
        claims: Object.freeze({ keyId: r.id, ...(r.name === undefined ? {} : { keyName: r.name }) }),
        via: 'apiKey' as const,
      })
      this.#built.set(r, consumer)
    }
    this.#store.touch(r.id, now)
    return consumer
  }
}
