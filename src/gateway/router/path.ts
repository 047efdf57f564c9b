// Path segments and `:param` patterns, shared by the router index and its ordering.

/** A literal segment is a string; a `:param` position is `undefined` (its name lives in `params`). */
export interface PathPattern {
  segments: ReadonlyArray<string | undefined>
  /** Segment index → param name, in path order. */
  params: ReadonlyArray<readonly [number, string]>
}

/**
 * `/a/b/` → `['a', 'b', '']`. The trailing empty segment is kept so that exact patterns can tell
 * `/a/b` from `/a/b/`; a prefix pattern stops before it and so matches both.
 */
export function splitPath (path: string): string[] {
  return path.charCodeAt(0) === 47 ? path.slice(1).split('/') : path.split('/')
}

/** Prefix patterns ignore trailing slashes (`/api/` is `/api`), and `/` has no segments at all. */
export function parsePattern (pattern: string, prefix: boolean): PathPattern {
  let p = pattern
  if (prefix) {
    while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1)
    if (p === '/' || p === '') return { segments: [], params: [] }
  }
  const params: Array<readonly [number, string]> = []
  const segments = splitPath(p).map((seg, i) => {
    if (seg.length > 1 && seg.charCodeAt(0) === 58) {
      params.push([i, seg.slice(1)])
      return undefined
    }
    return seg
  })
  return { segments, params }
}

/**
 * Params are decoded for the caller's convenience, except where decoding would turn `%2F` into a
 * `/` that was never a segment boundary; malformed escapes stay raw rather than failing the request.
 */
export function decodeParam (raw: string): string {
  if (!raw.includes('%') || /%2f/i.test(raw)) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}
