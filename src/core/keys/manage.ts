// Key management shared by the CLI and the admin API: create, rotate, revoke over any KeyStore.
// A key's scopes never exceed its consumer's (checked here, at creation); the key itself is
// returned once and never stored.

import type { ConsumerConfig } from '../../config/schema/index.js'
import { KeyNotFoundError, KeyRequestError } from '../../errors.js'
import { generateKey } from './api-key.js'
import type { KeyRecord, KeyStore } from './key-store.js'

export interface CreateKeyRequest {
  consumer: string
  /** Default: all of the consumer's scopes. */
  scopes?: readonly string[]
  name?: string
  /** Lifetime in ms from now; undefined: never expires. */
  expiresInMs?: number
}

export interface IssuedKey {
  /** The key, shown once. */
  readonly key: string
  readonly record: KeyRecord
}

export async function createKey (
  store: KeyStore, consumers: Readonly<Record<string, ConsumerConfig>>, req: CreateKeyRequest, now: number
): Promise<IssuedKey> {
  const consumer = consumers[req.consumer]
  if (consumer === undefined) {
    throw new KeyRequestError(`unknown consumer ${JSON.stringify(req.consumer)} (add it under consumers: in the config)`)
  }
  const scopes = req.scopes ?? consumer.scopes
  const beyond = scopes.filter(s => !consumer.scopes.includes(s))
  if (beyond.length > 0) throw new KeyRequestError(`scopes beyond consumer ${req.consumer}'s: ${beyond.join(', ')}`)
  const { key, id, hash } = generateKey()
  const record: KeyRecord = Object.freeze({
    id,
    consumer: req.consumer,
    name: req.name,
    scopes: Object.freeze([...scopes]),
    hash,
    created: now,
    expires: req.expiresInMs === undefined ? undefined : now + req.expiresInMs,
    status: 'active',
    rotatedTo: undefined,
    lastUsed: undefined,
  })
  await store.put(record)
  return { key, record }
}

/** A new key with the old one's consumer, name, scopes and expiry; the old one works `graceMs` more. */
export async function rotateKey (store: KeyStore, id: string, graceMs: number, now: number): Promise<IssuedKey> {
  const old = await find(store, id)
  if (old.status !== 'active' || (old.expires !== undefined && old.expires <= now)) {
    throw new KeyRequestError(`key ${id} is ${old.status === 'revoked' ? 'revoked' : 'expired'} and cannot be rotated`)
  }
  const { key, id: newId, hash } = generateKey()
  const record: KeyRecord = Object.freeze({
    ...old, id: newId, hash, created: now, rotatedTo: undefined, lastUsed: undefined,
  })
  await store.put(record)
  const graceEnd = now + graceMs
  await store.put(Object.freeze({ ...old, rotatedTo: newId, expires: Math.min(old.expires ?? graceEnd, graceEnd) }))
  return { key, record }
}

export async function revokeKey (store: KeyStore, id: string): Promise<KeyRecord> {
  const old = await find(store, id)
  const record: KeyRecord = Object.freeze({ ...old, status: 'revoked' })
  await store.put(record)
  return record
}

async function find (store: KeyStore, id: string): Promise<KeyRecord> {
  const r = await store.get(id)
  if (r === undefined) throw new KeyNotFoundError(id)
  return r
}
