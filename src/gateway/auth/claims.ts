// Reading consumer facts out of verified token claims.

/** The value at a dotted path (`realm_access.roles`); a claim whose own name has a dot wins. */
export function claimAt (claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path]
  let v: unknown = claims
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, part)) return undefined
    v = (v as Record<string, unknown>)[part]
  }
  return v
}

/** A space-separated string (RFC 8693 `scope`) or an array of strings; anything else is none. */
export function stringList (value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(s => s !== '')
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string')
  return []
}

/** A header value for a forwarded claim: strings as is, lists comma-joined, others as JSON; CR/LF never pass. */
export function headerValue (value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  const s = typeof value === 'string'
    ? value
    : Array.isArray(value) && value.every(v => typeof v === 'string') ? value.join(',') : JSON.stringify(value)
  return /[\r\n\0]/.test(s) ? undefined : s
}
