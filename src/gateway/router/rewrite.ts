// Pure path rewriting for a route: stripPrefix, then the regex rewrite. Compiled once per route.

import { parsePattern, splitPath } from './path.js'
import type { PathPattern } from './path.js'

export interface RewriteDef {
  /** Removed from the front of the path on a segment boundary; `:param` segments match any segment. */
  stripPrefix?: string
  /** `replacement` expands `$1`, `$<name>` (captures of `pattern`) and `:param` (route match params). */
  rewrite?: { pattern: string, replacement: string }
}

/** Takes the raw path (no query) and the route's match params; the result always starts with `/`. */
export type PathRewrite = (path: string, params: Readonly<Record<string, string>>) => string

/** Undefined when the route has nothing to rewrite, so the hot path can skip the call. */
export function compileRewrite (def: RewriteDef): PathRewrite | undefined {
  const strip = def.stripPrefix === undefined ? undefined : compileStrip(parsePattern(def.stripPrefix, true))
  const replace = def.rewrite === undefined ? undefined : compileReplace(def.rewrite.pattern, def.rewrite.replacement)
  if (strip === undefined && replace === undefined) return undefined
  return (path, params) => {
    let p = strip === undefined ? path : strip(path)
    if (replace !== undefined) p = replace(p, params)
    return p.charCodeAt(0) === 47 ? p : '/' + p
  }
}

/** Applies `rewrite` to the path part of a request target and keeps its query string as it was. */
export function rewriteTarget (rewrite: PathRewrite, target: string, params: Readonly<Record<string, string>>): string {
  const q = target.indexOf('?')
  return q === -1 ? rewrite(target, params) : rewrite(target.slice(0, q), params) + target.slice(q)
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

type Part = string | { param: string }

function compileReplace (pattern: string, replacement: string): PathRewrite {
  const re = new RegExp(pattern)
  const parts: Part[] = replacement.split(/:([A-Za-z_][A-Za-z0-9_]*)/).map((s, i) => i % 2 === 1 ? { param: s } : s)
  if (parts.length === 1) return (path) => path.replace(re, replacement)
  return (path, params) => {
    let out = ''
    for (const part of parts) {
      if (typeof part === 'string') out += part
      else if (Object.hasOwn(params, part.param)) out += encodeSegment(params[part.param] as string).replaceAll('$', '$$$$')
      else out += ':' + part.param
    }
    return path.replace(re, out)
  }
}

/**
 * Match params arrive decoded, so putting one back into a path must re-encode whatever a path
 * segment cannot carry (`/`, `?`, `#`, spaces, non-ASCII). Valid `%XX` escapes are kept, because a
 * param the router left raw (it held `%2F`) must not be encoded twice.
 */
function encodeSegment (value: string): string {
  return value.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@%]/gu, (c) => {
    try {
      return encodeURIComponent(c)
    } catch {
      return '%EF%BF%BD'
    }
  })
}
