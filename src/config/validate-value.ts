// Validation for a value that did not come from a file (createDispatcher's options): the same
// schema, defaults and messages as the YAML loader, reported as `path: message` for want of lines.
import type { Static, TSchema } from '@sinclair/typebox'
import { applyDefaults } from './defaults.js'
import type { Check } from './load-yaml.js'
import { formatPath } from './config-path.js'
import { schemaIssues } from './schema-issues.js'

/** A copy of the plain data in `value` (defaults are filled into it, never into the caller's object). */
function copy (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy)
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = copy(v)
  return out
}

export interface Validated<T> {
  /** The value with every default filled in; meaningful only when `problems` is empty. */
  value: T
  /** Every problem found, `path: message`, in the order the schema met them. */
  problems: string[]
}

export function validateValue<S extends TSchema> (
  schema: S, raw: unknown, check?: Check<Static<S>>
): Validated<Static<S>> {
  const value = applyDefaults(schema, copy(raw)) as Static<S>
  const problems = schemaIssues(schema, value).map(i => `${formatPath(i.path)}: ${i.message}`)
  if (problems.length === 0 && check !== undefined) check(value, (path, message) => problems.push(`${formatPath(path)}: ${message}`))
  return { value, problems }
}
