// Pure path rewriting for a route: stripPrefix, then the regex rewrite. Compiled once per route.
//
// The input is the normalised path (normalize-path.ts), so it holds no dot segment in any spelling.
// A `:param` is put back in the client's own (normalised) spelling, read out of that path: it is
// never decoded and encoded again, so `%252e` stays `%252e` (no double decode) and a value can
// neither form a new escape nor be `.` or `..`. Anything a segment cannot carry is escaped (a
// regex group spanning `/` becomes `%2F`). Captures and literals from the config could still
// assemble a dot segment, so the result is checked once more and refused with a 400.

import { InvalidPathError } from '../../errors.js'
import { hasDotSegment } from './normalize-path.js'
import { parsePattern, splitPath } from './path.js'
import type { PathPattern } from './path.js'
import { MAX_REGEX_INPUT } from './regex-limit.js'
import type { RouteMatchDef } from './types.js'

export interface RewriteDef {
  /** Removed from the front of the path on a segment boundary; `:param` segments match any segment. */
  stripPrefix?: string
  /** `replacement` expands `$1`, `$<name>` (captures of `pattern`) and `:param` (route match params). */
  rewrite?: { pattern: string, replacement: string }
}

/** Takes the normalised path (no query); the result always starts with `/`. Throws InvalidPathError. */
export type PathRewrite = (path: string) => string

/**
 * Undefined when the route has nothing to rewrite, so the hot path can skip the call. `match` is
 * the route's match, where `:param` values are read from.
 */
export function compileRewrite (def: RewriteDef, match: RouteMatchDef = {}): PathRewrite | undefined {
  const strip = def.stripPrefix === undefined ? undefined : compileStrip(parsePattern(def.stripPrefix, true))
  const replace = def.rewrite === undefined
    ? undefined
    : compileReplace(def.rewrite.pattern, def.rewrite.replacement, compileParamReader(match))
  if (strip === undefined && replace === undefined) return undefined
  return (path) => {
    if (replace !== undefined && path.length > MAX_REGEX_INPUT) {
      throw new InvalidPathError(`The path is longer than ${MAX_REGEX_INPUT} characters, the most a regex rewrite reads`)
    }
    let p = strip === undefined ? path : strip(path)
    if (replace !== undefined) p = replace(p, path)
    if (p.charCodeAt(0) !== 47) p = '/' + p
    if (hasDotSegment(p)) throw new InvalidPathError('The rewritten path would contain a dot segment')
    return p
  }
}

/** Applies `rewrite` to the path part of a request target and keeps its query string as it was. */
export function rewriteTarget (rewrite: PathRewrite, target: string): string {
  const q = target.indexOf('?')
  return q === -1 ? rewrite(target) : rewrite(target.slice(0, q)) + target.slice(q)
}

function compileStrip (pattern: PathPattern): ((path: string) => string) | undefined {
  const n = pattern.segments.length
  if (n === 0) return undefined
  if (pattern.params.length === 0) {
    const literal = '/' + pattern.segments.join('/')
    return (path) => path === literal
      ? '/'
      : path.startsWith(literal) && path.charCodeAt(literal.length) === 47 ? path.slice(literal.length) : path
  }
  return (path) => {
    const segs = splitPath(path)
    if (segs.length < n) return path
    for (let i = 0; i < n; i++) {
      const want = pattern.segments[i]
      const seg = segs[i] as string
      if (want === undefined ? seg === '' : seg !== want) return path
    }
    return '/' + segs.slice(n).join('/')
  }
}

interface ParamReader {
  names: ReadonlySet<string>
  /** The raw value of each param in `path`, the way the router matched it. */
  read (path: string): Readonly<Record<string, string | undefined>>
}

function compileParamReader (match: RouteMatchDef): ParamReader {
  if (match.pathRegex !== undefined) {
    const re = new RegExp(match.pathRegex)
    // An always-matching alternative lists every group name, even the optional ones.
    const names = new Set(Object.keys(new RegExp(`(?:${match.pathRegex})|`).exec('')?.groups ?? {}))
    return { names, read: (path) => re.exec(path)?.groups ?? {} }
  }
  const pattern = match.pathExact !== undefined
    ? parsePattern(match.pathExact, false)
    : parsePattern(match.path ?? '/', true)
  return {
    names: new Set(pattern.params.map(([, name]) => name)),
    read (path) {
      const segs = splitPath(path)
      const out: Record<string, string | undefined> = {}
      for (const [i, name] of pattern.params) out[name] = segs[i]
      return out
    },
  }
}

type Part = string | { param: string }

type Replace = (path: string, original: string) => string

function compileReplace (pattern: string, replacement: string, params: ParamReader): Replace {
  const re = new RegExp(pattern)
  // A `:name` the match does not define stays literal text (`/v1/$1:batch`).
  const parts: Part[] = replacement.split(/:([A-Za-z_][A-Za-z0-9_]*)/)
    .map((s, i) => i % 2 === 0 ? s : params.names.has(s) ? { param: s } : ':' + s)
  if (parts.every((p) => typeof p === 'string')) {
    const literal = parts.join('')
    return (path) => path.replace(re, literal)
  }
  return (path, original) => {
    const values = params.read(original)
    let out = ''
    for (const part of parts) {
      if (typeof part === 'string') out += part
      else {
        const value = values[part.param]
        out += value === undefined ? ':' + part.param : encodeRaw(value).replaceAll('$', '$$$$')
      }
    }
    return path.replace(re, out)
  }
}

/**
 * `value` is a piece of the normalised path, so its escapes are valid and stay as they are; what a
 * segment cannot carry (`/` from a regex group, a stray `%`, `#`, raw non-ASCII) is escaped.
 */
function encodeRaw (value: string): string {
  return value.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@%]/gu, (c) => {
    try {
      return encodeURIComponent(c)
    } catch {
      return '%EF%BF%BD'
    }
  })
}
