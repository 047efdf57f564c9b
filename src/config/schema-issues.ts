// The schema's complaints about a value, one readable issue per offending node: shared by the YAML
// loader (which adds file:line:col) and by library options (createDispatcher), so both read alike.
//
// TypeBox reports a value that fits no variant of a union as one "Expected union value" error at the
// union. When the value plainly meant one variant (a mapping where `false` or a mapping is allowed;
// a store whose `type` names one variant), that variant's own errors say what is wrong, so they are
// reported instead of "expected false or a mapping (got a mapping)".
import { Kind, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ValueErrorType } from '@sinclair/typebox/errors'
import type { TSchema } from '@sinclair/typebox'
import type { ValueError } from '@sinclair/typebox/errors'
import { formatPath } from './config-path.js'
import { toIssue } from './messages.js'
import type { SchemaIssue } from './messages.js'

/**
 * The errors of the one variant the value meant: none of its errors is about the union's value as a
 * whole (a wrong type) or a literal (a discriminator such as `type: redis` that did not match).
 */
function meantVariant (error: ValueError): ValueError[] | undefined {
  let best: ValueError[] | undefined
  for (const variant of error.errors) {
    const errs = [...variant]
    const refuses = errs.some(e => e.path === error.path || e.type === ValueErrorType.Literal || e.schema[Kind] === 'Literal')
    if (refuses) continue
    if (best !== undefined) return undefined
    best = errs
  }
  return best
}

/**
 * For a union of mappings told apart by one literal key (`store.type`), the error about that key:
 * it names the choices, where the union's own message could only say "a mapping or a mapping".
 */
function discriminatorError (error: ValueError): ValueError | undefined {
  const variants = error.schema.anyOf as TSchema[] | undefined
  const value = error.value as Record<string, unknown>
  if (variants === undefined || typeof value !== 'object' || value === null) return undefined
  const first = variants[0]?.properties as Record<string, TSchema> | undefined
  for (const key of Object.keys(first ?? {})) {
    const literals = variants.map(v => (v.properties as Record<string, TSchema> | undefined)?.[key])
    if (!literals.every(l => l?.[Kind] === 'Literal')) continue
    return { ...error, schema: Type.Union(literals as TSchema[]), path: `${error.path}/${key}`, value: value[key], errors: [] }
  }
  return undefined
}

function * expand (errors: Iterable<ValueError>): Generator<ValueError> {
  for (const error of errors) {
    if (error.type !== ValueErrorType.Union) {
      yield error
      continue
    }
    const meant = meantVariant(error)
    if (meant !== undefined) yield * expand(meant)
    else yield discriminatorError(error) ?? error
  }
}

/** Every problem the schema finds in `value`, one message per offending value. */
export function schemaIssues (schema: TSchema, value: unknown): SchemaIssue[] {
  if (Value.Check(schema, value)) return []
  const out: SchemaIssue[] = []
  // One message per offending value: TypeBox may add a pattern error after a length error.
  const seen = new Set<string>()
  for (const error of expand(Value.Errors(schema, value))) {
    const issue = toIssue(error, value)
    if (issue === undefined) continue
    const id = `${formatPath(issue.at)} ${issue.anchor} ${issue.valueLevel ? '' : issue.message}`
    if (seen.has(id)) continue
    seen.add(id)
    out.push(issue)
  }
  return out
}
