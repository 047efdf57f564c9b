// Admin bearer-token check. Both sides are hashed to SHA-256 first so timingSafeEqual always
// compares 32 bytes: comparing the raw strings would either throw on a length mismatch or, if we
// checked lengths first, leak the token's length through timing.

import { createHash, timingSafeEqual } from 'node:crypto'

export type TokenVerdict = 'ok' | 'not-configured' | 'unauthorized'

export type TokenCheck = (authorization: string | undefined) => TokenVerdict

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** Builds the check once; `expected` undefined or empty disables every protected endpoint. */
export function createTokenCheck (expected: string | undefined): TokenCheck {
  if (!expected) return () => 'not-configured'
  const want = digest(expected)
  return (authorization) => {
    const m = /^Bearer +(\S+) *$/i.exec(authorization ?? '')
    // Hash even when the header is absent or malformed so every rejection costs the same.
    const got = digest(m?.[1] ?? '')
    return timingSafeEqual(got, want) && m !== null ? 'ok' : 'unauthorized'
  }
}
