// Paths inside a loaded config value, and how messages print them. Apart from locate.ts (which
// maps a path back to its YAML node) so that validating a value that never was YAML (the
// dispatcher's options) does not load the YAML parser.

export type ConfigPath = readonly (string | number)[]

/** `key` points at a map key itself (unknown keys); `value` at the node under the path. */
export type Anchor = 'key' | 'value'

/** `['routes', 2, 'upstream']` → `routes[2].upstream`; the empty path is `(root)`. */
export function formatPath (path: ConfigPath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[^.[\]"\s]+$/.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out === '' ? '(root)' : out
}

/**
 * RFC 6901 pointer (as TypeBox reports it) → path, using the value to tell array indexes from
 * keys that merely look numeric.
 */
export function pointerToPath (pointer: string, value: unknown): (string | number)[] {
  if (pointer === '') return []
  const path: (string | number)[] = []
  let cur: unknown = value
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    const seg = Array.isArray(cur) && /^\d+$/.test(key) ? Number(key) : key
    path.push(seg)
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined
  }
  return path
}
