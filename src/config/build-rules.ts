// Rules the snapshot builders rely on, each defined once: check.ts reports a broken one with its
// file:line:col, and the builders assert the same predicate for library callers who skip the
// loader. Written apart from both so that `sluice validate` and `sluice start` cannot disagree.

/** RFC 6265 §4.1.1 cookie-name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

export const COOKIE_NAME_RULE = 'an RFC 6265 token: letters, digits and !#$%&\'*+-.^_`|~'

export function isCookieName (name: string): boolean {
  return TOKEN.test(name)
}

/**
 * The WHATWG origin of a target URL (lowercased host, default port dropped), which is the target's
 * identity; undefined when the URL does not parse (a port out of range, an unclosed `[`).
 */
export function targetOrigin (url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/** Why `pattern` is not a usable cors allowOrigins entry (gateway/stages/cors-origins.ts), or undefined. */
export function originPatternProblem (pattern: string): string | undefined {
  if (pattern === '*' || pattern === 'null') return undefined
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([^/?#]+)$/i.exec(pattern)
  if (m === null) return 'expected an origin like https://app.example.com, a wildcard like https://*.example.com, or *'
  if (m[3]!.includes('*')) return 'a wildcard may only stand for the leading labels (https://*.example.com)'
  return undefined
}
