// API key format and hashing. A key is shown once, at creation, as
//
//   slk_<id>_<secret>        id: 16 hex chars (public, the store's lookup key)
//                            secret: 32 random bytes, base64url (256 bits)
//
// The `slk_` prefix makes leaked keys greppable (secret scanners, logs). Stores keep only
// SHA-256(secret): a fast hash is enough because the secret is 256 random bits, not a password,
// so there is nothing to brute-force; a slow KDF would only cost every request. The lookup is by
// id and the hash comparison is constant-time, so response timing tells nothing about the secret.

import { hash, randomBytes, timingSafeEqual } from 'node:crypto'

export const KEY_PREFIX = 'slk_'

export interface ParsedKey { readonly id: string, readonly secret: string }

export function generateKey (): { key: string, id: string, hash: string } {
  const id = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { key: `${KEY_PREFIX}${id}_${secret}`, id, hash: hashSecret(secret) }
}

export function hashSecret (secret: string): string {
  return hash('sha256', secret, 'hex')
}

/** The id and secret of a well-formed key; undefined for anything else. */
export function parseKey (key: string): ParsedKey | undefined {
  if (!key.startsWith(KEY_PREFIX) || key.length !== KEY_PREFIX.length + 16 + 1 + 43) return undefined
  const id = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + 16)
  if (key[KEY_PREFIX.length + 16] !== '_' || !/^[0-9a-f]{16}$/.test(id)) return undefined
  return { id, secret: key.slice(KEY_PREFIX.length + 17) }
}

/** The stored hex hash as the bytes secretMatches compares (decode it once per record). */
export function hashBytes (storedHash: string): Buffer {
  return Buffer.from(storedHash, 'hex')
}

/** Constant-time: compares the secret's SHA-256 with the stored hash's bytes. */
export function secretMatches (secret: string, stored: Buffer): boolean {
  // crypto.hash is the one-shot form: a third cheaper than a Hash object for a 43-character secret.
  const given = hash('sha256', secret, 'buffer')
  return given.length === stored.length && timingSafeEqual(given, stored)
}
