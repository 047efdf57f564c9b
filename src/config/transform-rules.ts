// The grammar of transform options (schema/transform.ts), defined once: check-stages.ts reports a
// broken template or pointer with its file:line:col, and the transform stage compiles the same
// parse, so `sluice validate` and `sluice start` cannot disagree.
//
// Templates: literal text with `${VARIABLE}` references, every variable name holding a dot. The
// loader's `${ENV_VAR}` interpolation (env.ts) runs first and only takes dotless names, so the two
// never meet. There is no escape: a `${` must open a known variable.
//
// JSON paths: JSON Pointers (RFC 6901), plus `*` as a whole token meaning every element of an array.

/** A template variable: what `${…}` names. `arg` is the header, query or metadata name, or claim path. */
export type TemplateVar =
  | { kind: 'request.id' | 'request.method' | 'request.path' | 'client.ip' | 'route.name' | 'consumer.id' | 'consumer.plan' }
  | { kind: 'request.header' | 'request.query' | 'consumer.metadata', arg: string }
  | { kind: 'claim', arg: readonly string[] }

/** A parsed template: literal text and variables, in order. */
export type TemplatePart = string | TemplateVar

const PLAIN = new Set(['request.id', 'request.method', 'request.path', 'client.ip', 'route.name', 'consumer.id', 'consumer.plan'])
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** For error messages: every variable, as written in a template. */
export const TEMPLATE_VARIABLES = ['request.id', 'request.method', 'request.path', 'request.header.NAME',
  'request.query.NAME', 'client.ip', 'route.name', 'consumer.id', 'consumer.plan', 'consumer.metadata.KEY',
  'claim.PATH'].map(v => `\${${v}}`).join(', ')

function parseVariable (name: string): TemplateVar | string {
  if (PLAIN.has(name)) return { kind: name as 'request.id' }
  const prefixed = (prefix: string): string | undefined =>
    name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined
  const header = prefixed('request.header.')
  if (header !== undefined) {
    return TOKEN.test(header) ? { kind: 'request.header', arg: header.toLowerCase() } : `"${header}" is not a header name`
  }
  const query = prefixed('request.query.')
  if (query !== undefined) return { kind: 'request.query', arg: query }
  const key = prefixed('consumer.metadata.')
  if (key !== undefined) return { kind: 'consumer.metadata', arg: key }
  const claim = prefixed('claim.')
  if (claim !== undefined) {
    const path = claim.split('.')
    return path.includes('') ? `"${claim}" is not a claim path (names joined by ".")` : { kind: 'claim', arg: path }
  }
  return `unknown template variable \${${name}} (known: ${TEMPLATE_VARIABLES})`
}

/** Parses a template; a string result is the reason it is not one. */
export function parseTemplate (source: string): TemplatePart[] | string {
  const parts: TemplatePart[] = []
  let at = 0
  for (;;) {
    const open = source.indexOf('${', at)
    if (open === -1) break
    const close = source.indexOf('}', open + 2)
    if (close === -1) return `unclosed "\${" at character ${open + 1}`
    if (open > at) parts.push(source.slice(at, open))
    const v = parseVariable(source.slice(open + 2, close))
    if (typeof v === 'string') return v
    parts.push(v)
    at = close + 1
  }
  if (at < source.length || parts.length === 0) parts.push(source.slice(at))
  return parts
}

/** RFC 9110 §5.5 field-value characters, as node:http enforces them (obs-text allowed). */
const INVALID_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/

export function isFieldValue (value: string): boolean {
  return !INVALID_FIELD_VALUE.test(value)
}

/** A JSON pointer token: a member name or array index, or every element (`*`). */
export type PointerToken = string | typeof EVERY

/** `*`: every element of an array; on anything else it matches nothing. */
export const EVERY: unique symbol = Symbol('every')

/** Parses an RFC 6901 pointer with `*` tokens; a string result is the reason it is not one. */
export function parsePointer (source: string): PointerToken[] | string {
  if (source === '') return 'the whole document cannot be addressed; start the pointer with "/"'
  if (!source.startsWith('/')) return `"${source}" is not a JSON Pointer (it must start with "/")`
  const tokens: PointerToken[] = []
  for (const raw of source.slice(1).split('/')) {
    if (/~(?![01])/.test(raw)) return `"${source}": "~" must be followed by 0 or 1 (RFC 6901 escapes ~0 and ~1)`
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    // Assigning to it would replace an object's prototype instead of adding a member.
    if (token === '__proto__') return `"${source}": "__proto__" cannot be addressed`
    tokens.push(raw === '*' ? EVERY : token)
  }
  return tokens
}

/** A `*` rename works element by element, so both pointers must agree up to the last `*` of either. */
export function renameProblem (from: readonly PointerToken[], to: readonly PointerToken[]): string | undefined {
  const last = Math.max(from.lastIndexOf(EVERY), to.lastIndexOf(EVERY))
  if (last === -1) return undefined
  for (let i = 0; i <= last; i++) {
    if (from[i] !== to[i]) return 'with "*", both pointers must be the same up to the last "*" (a rename moves a member within each element)'
  }
  if (from.length === last + 1 || to.length === last + 1) return 'with "*", both pointers must name a member after the last "*"'
  return undefined
}

/**
 * Headers a transform may not set, add, remove or rename: framing and hop-by-hop (the gateway
 * decides them), Host and Expect (the upstream call owns them), X-Request-Id (the gateway's own).
 */
export const TRANSFORM_OWNED_HEADERS: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'content-length', 'host', 'expect', 'x-request-id',
])
