// Fills in schema defaults. TypeBox's Value.Default skips the values of a Record unless the value
// schema itself has a default, which would leave every upstream's timeouts and pool empty, so the
// walk is done here for the shapes config schemas use: objects, records, arrays and unions.
import { Kind } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { TSchema } from '@sinclair/typebox'

type Obj = Record<string, unknown>

function isObject (value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function fill (schema: TSchema, value: unknown): unknown {
  if (value === undefined && 'default' in schema) value = structuredClone(schema.default)
  switch (schema[Kind]) {
    case 'Object': {
      if (!isObject(value)) return value
      for (const [key, prop] of Object.entries(schema.properties as Record<string, TSchema>)) {
        const filled = fill(prop, value[key])
        if (filled !== undefined) value[key] = filled
      }
      return value
    }
    case 'Record': {
      if (!isObject(value)) return value
      const [pattern, prop] = Object.entries(schema.patternProperties as Record<string, TSchema>)[0]!
      const re = new RegExp(pattern)
      for (const key of Object.keys(value)) if (re.test(key)) value[key] = fill(prop, value[key])
      return value
    }
    case 'Array': {
      if (!Array.isArray(value)) return value
      for (let i = 0; i < value.length; i++) value[i] = fill(schema.items as TSchema, value[i])
      return value
    }
    case 'Union': {
      // Only a variant the value already fits gets to fill it, so a wrong-typed value keeps its
      // own error instead of one from whichever variant ran first.
      for (const variant of schema.anyOf as TSchema[]) {
        const attempt = fill(variant, structuredClone(value))
        if (Value.Check(variant, attempt)) return attempt
      }
      return value
    }
    default:
      return value
  }
}

/** Mutates `value` in place (and returns it, since a missing root may be replaced). */
export function applyDefaults (schema: TSchema, value: unknown): unknown {
  return fill(schema, value)
}
