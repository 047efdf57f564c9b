// Which Origin values a `cors` stage allows. An origin is scheme://host[:port] (RFC 6454 §6.1),
// compared case-insensitively. A wildcard entry `https://*.example.com` allows one or more labels
// in place of the `*` and nothing else: same scheme, same suffix, same (absent) port, so it can
// never be satisfied by `https://evil.com/.example.com` or `https://example.com.evil.com`.

export type OriginMatcher = (origin: string) => boolean

const LABELS = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/

export function compileOrigins (patterns: readonly string[]): OriginMatcher {
  const any = patterns.includes('*')
  const exact = new Set<string>()
  const wildcards: Array<{ prefix: string, suffix: string }> = []
  for (const p of patterns) {
    const lower = p.toLowerCase()
    const star = lower.indexOf('://*.')
    if (star === -1) exact.add(lower)
    else wildcards.push({ prefix: lower.slice(0, star + 3), suffix: lower.slice(star + 4) })
  }
  return (origin) => {
    const o = origin.toLowerCase()
    if (exact.has(o)) return true
    // `null` (sandboxed frames, file: pages) is allowed only when listed by name, never by `*`.
    if (any) return o !== 'null'
    for (const w of wildcards) {
      if (o.length <= w.prefix.length + w.suffix.length || !o.startsWith(w.prefix) || !o.endsWith(w.suffix)) continue
      if (LABELS.test(o.slice(w.prefix.length, o.length - w.suffix.length))) return true
    }
    return false
  }
}
