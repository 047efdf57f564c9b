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
