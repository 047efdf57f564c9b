// The request path, normalised once on arrival; the router matches it and the upstream receives
// exactly it, so what a route confines is what the upstream serves. Docs: docs/paths.md.
//
//   raw path ──one scan──► nothing to do? ──yes──► the raw string itself (no allocation)
//                               │ no
//                               ▼
//   %XX of an unreserved char → the char       RFC 3986 §2.3, §6.2.2.2 (so `%2e` is `.`)
//   any other %XX → upper-case hex              RFC 3986 §6.2.2.1
//   `%` without two hex digits → 400             RFC 3986 §2.1
//   raw `\` → 400
//   `.`/`..` between encoded slashes → 400
//   remove `.` and `..` segments                RFC 3986 §5.2.4, except that climbing above `/`
//                                               is a 400 instead of being clamped at the root
//
// Why reject `\`: it is not a URI character (§2), and Windows servers and some frameworks read it
// as `/`, so `/api/..\admin` would climb out of `/api` behind the gateway's back.
// Why keep `%2F` (and `%5C`) opaque: APIs use them inside one segment (`/projects/group%2Fname`),
// so they are neither a segment boundary for routing nor decoded on the way out. An upstream that
// decodes them before resolving dots would turn `/api/..%2Fadmin` into `/admin`, so a `.` or `..`
// that only an encoded slash separates from its neighbours is refused.

import { InvalidPathError } from '../../errors.js'

const SLASH = 47
const PERCENT = 37
const BACKSLASH = 92

/** The normal form of `raw` (a path without query, starting with `/`); throws InvalidPathError. */
export function normalizePath (raw: string): string {
  if (raw.charCodeAt(0) !== SLASH) return raw
  return needsWork(raw) ? slowNormalize(raw) : raw
}

/**
 * The request target to forward: the raw one when normalisation changed nothing (it already is
 * path + query), else the normal path with the raw query.
 */
export function forwardTarget (url: string, path: string, query: string): string {
  if (url.startsWith(path) && endsWithQuery(url, path.length, query)) return url
  return query === '' ? path : `${path}?${query}`
}

/** `url` from `at` on is `?query` (or nothing, for no query): a request transform may have changed it. */
function endsWithQuery (url: string, at: number, query: string): boolean {
  if (url.length === at) return query === ''
  return url.charCodeAt(at) === 63 && url.length === at + 1 + query.length && url.endsWith(query)
}

/** True when `path` (in any spelling) has a `.` or `..` segment, or one hidden behind `%2F`/`%5C`. */
export function hasDotSegment (path: string): boolean {
  if (!needsWork(path)) return false
  const decoded = decodeUnreserved(path)
  for (const seg of decoded.split('/')) {
    if (isDot(seg) || hidesDot(seg)) return true
  }
  return false
}

/**
 * `%`, `\`, or a `.`/`..` segment: the only things normalisation acts on. One regex scan; irregexp
 * ran it at about half the cost of a charCodeAt loop on a 47-character path, and `test` allocates
 * nothing.
 */
const NEEDS_WORK = /[%\\]|\/\.\.?(?:\/|$)/

const needsWork = (path: string): boolean => NEEDS_WORK.test(path)

function slowNormalize (raw: string): string {
  const segs = decodeUnreserved(raw).slice(1).split('/')
  const out: string[] = []
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string
    const last = i === segs.length - 1
    if (seg === '.') {
      if (last) out.push('')
    } else if (seg === '..') {
      if (out.length === 0) throw new InvalidPathError('The path climbs above the root')
      out.pop()
      if (last) out.push('')
    } else {
      if (hidesDot(seg)) throw new InvalidPathError('The path hides a dot segment behind an encoded slash')
      out.push(seg)
    }
  }
  return '/' + out.join('/')
}

/** Decodes escapes of unreserved characters, upper-cases the rest, and refuses `\` and bad escapes. */
function decodeUnreserved (raw: string): string {
  let out = ''
  let from = 0
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === BACKSLASH) throw new InvalidPathError('The path contains a backslash')
    if (c !== PERCENT) continue
    const hi = hex(raw.charCodeAt(i + 1))
    const lo = hex(raw.charCodeAt(i + 2))
    if (hi < 0 || lo < 0) throw new InvalidPathError('The path contains a malformed percent-escape')
    const byte = hi * 16 + lo
    out += raw.slice(from, i) + (isUnreserved(byte) ? String.fromCharCode(byte) : '%' + HEX[hi] + HEX[lo])
    from = i + 3
    i += 2
  }
  return from === 0 ? raw : out + raw.slice(from)
}

const HEX = '0123456789ABCDEF'

function hex (c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

/** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved (b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) ||
    b === 45 || b === 46 || b === 95 || b === 126
}

const isDot = (s: string): boolean => s === '.' || s === '..'

/** `..%2Fx`, `a%5C.`: pieces between encoded (upper-cased) slashes that are dot segments. */
function hidesDot (seg: string): boolean {
  if (!seg.includes('%2F') && !seg.includes('%5C')) return false
  return seg.split(/%2F|%5C/).some(isDot)
}
