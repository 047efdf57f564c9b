// `${VAR}` and `${VAR:-default}` in scalar values. Interpolation happens on the parsed document's
// scalar nodes rather than on the raw text, so every node keeps its source range (errors stay
// located) and a substituted value cannot inject YAML structure.
import { isMap, isPair, isScalar, isSeq } from 'yaml'
import type { Document, Node, Scalar, ScalarTag } from 'yaml'
import type { ConfigPath } from './locate.js'

export type Env = Readonly<Record<string, string | undefined>>

export interface EnvIssue {
  path: ConfigPath
  node: Node
  variable: string
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/** Replaces references in `text`; `missing` receives each unset variable without a default. */
export function interpolate (text: string, env: Env, missing: (variable: string) => void): string {
  return text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${'
    const value = env[name]
    // Shell semantics for `:-`: an empty variable also takes the default.
    if (value !== undefined && (value !== '' || fallback === undefined)) return value
    if (fallback !== undefined) return fallback
    missing(name)
    return whole
  })
}

/**
 * A plain scalar is typed from its text (`8080` is a number, `true` a boolean), so after
 * substitution it is resolved again with the document schema's own tags, as the parser would.
 */
function retype (doc: Document, text: string): unknown {
  const tags = doc.schema.tags as ScalarTag[]
  const tag = tags.find((t) => t.default === true && t.test?.test(text))
  if (tag === undefined) return text
  // Some core tags (bool, float, null) resolve to a Scalar rather than a bare value.
  const resolved = tag.resolve(text, () => {}, {})
  return isScalar(resolved) ? resolved.value : resolved
}

function visitScalar (doc: Document, node: Scalar, path: ConfigPath, env: Env, issues: EnvIssue[]): void {
  if (typeof node.value !== 'string' || !node.value.includes('$')) return
  const text = interpolate(node.value, env, (variable) => issues.push({ path, node, variable }))
  node.value = node.type === 'PLAIN' && node.tag === undefined ? retype(doc, text) : text
}

function walk (doc: Document, node: unknown, path: ConfigPath, env: Env, issues: EnvIssue[]): void {
  if (isScalar(node)) visitScalar(doc, node, path, env, issues)
  else if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      walk(doc, pair.value, [...path, key], env, issues)
    }
  } else if (isSeq(node)) node.items.forEach((item, i) => walk(doc, item, [...path, i], env, issues))
}

/** Interpolates every scalar value (never keys) in place; returns the unset variables. */
export function interpolateEnv (doc: Document, env: Env): EnvIssue[] {
  const issues: EnvIssue[] = []
  walk(doc, doc.contents, [], env, issues)
  return issues
}
