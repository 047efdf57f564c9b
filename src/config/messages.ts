// Turns TypeBox's validation errors into one readable message per offending node.
import { Kind } from '@sinclair/typebox'
import { ValueErrorType } from '@sinclair/typebox/errors'
import type { TSchema } from '@sinclair/typebox'
import type { ValueError } from '@sinclair/typebox/errors'
import { closest, didYouMean } from './hint.js'
import { pointerToPath } from './config-path.js'
import type { Anchor, ConfigPath } from './config-path.js'

export interface SchemaIssue {
  /** The node the message is about, as shown before the colon. */
  path: ConfigPath
  /** The node whose position is reported (differs from `path` for missing keys). */
  at: ConfigPath
  anchor: Anchor
  message: string
  /** A value-level problem: one is enough per node, unlike missing or unknown keys of an object. */
  valueLevel: boolean
}

const TYPE_ERRORS = new Set([
  ValueErrorType.Union, ValueErrorType.String, ValueErrorType.Integer, ValueErrorType.Number,
  ValueErrorType.Boolean, ValueErrorType.Array, ValueErrorType.Object, ValueErrorType.Literal,
])

function show (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

function describe (schema: TSchema): string {
  if (typeof schema.title === 'string') return `a ${schema.title.toLowerCase()}`
  switch (schema[Kind]) {
    case 'Literal': return JSON.stringify(schema.const)
    case 'String': return 'a string'
    case 'Integer': return typeof schema.minimum === 'number' ? `an integer >= ${schema.minimum}` : 'an integer'
    case 'Number': return 'a number'
    case 'Boolean': return 'true or false'
    case 'Array': return 'a list'
    case 'Object': case 'Record': return 'a mapping'
    case 'Union': return [...new Set((schema.anyOf as TSchema[]).map(describe))].join(' or ')
    default: return 'a valid value'
  }
}

function bounds (schema: TSchema): string {
  const { minimum: min, maximum: max } = schema as { minimum?: number, maximum?: number }
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}`
  return min !== undefined ? `must be >= ${min}` : `must be <= ${max}`
}

function unionMessage (schema: TSchema): string {
  if (typeof schema.errorMessage === 'string') return schema.errorMessage
  const variants = schema.anyOf as TSchema[]
  if (variants.every((v) => v[Kind] === 'Literal')) return `must be one of ${variants.map((v) => v.const).join(', ')}`
  return `expected ${describe(schema)}`
}

function valueMessage (error: ValueError): string {
  const { schema } = error
  switch (error.type) {
    case ValueErrorType.Union: return unionMessage(schema)
    case ValueErrorType.StringPattern:
      return typeof schema.errorMessage === 'string' ? schema.errorMessage : `must match ${schema.pattern}`
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`
    case ValueErrorType.StringMaxLength: return `must be at most ${schema.maxLength} characters`
    case ValueErrorType.ArrayMinItems:
      return schema.minItems === 1 ? 'must not be empty' : `must have at least ${schema.minItems} items`
    case ValueErrorType.ArrayMaxItems: return `must have at most ${schema.maxItems} items`
    case ValueErrorType.IntegerMinimum: case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMinimum: case ValueErrorType.NumberMaximum:
      return bounds(schema)
    case ValueErrorType.NumberExclusiveMinimum: case ValueErrorType.IntegerExclusiveMinimum:
      return `must be > ${schema.exclusiveMinimum}`
    case ValueErrorType.NumberExclusiveMaximum: case ValueErrorType.IntegerExclusiveMaximum:
      return `must be < ${schema.exclusiveMaximum}`
    case ValueErrorType.Literal: return `must be ${JSON.stringify(schema.const)}`
    case ValueErrorType.String: case ValueErrorType.Integer: case ValueErrorType.Number:
    case ValueErrorType.Boolean: case ValueErrorType.Array: case ValueErrorType.Object:
      return `expected ${describe(schema)}`
    default: return error.message
  }
}

/** `; did you mean "round-robin"?` when a string missed a choice of literals by a typo. */
function enumHint (error: ValueError): string {
  const variants = error.schema.anyOf as TSchema[] | undefined
  if (typeof error.value !== 'string' || variants === undefined || !variants.every((v) => v[Kind] === 'Literal')) return ''
  const near = closest(error.value, variants.map((v) => String(v.const)))
  return near === undefined ? '' : `; did you mean "${near}"?`
}

/** Undefined when the error only repeats another (a missing key's value is also "not a string"). */
export function toIssue (error: ValueError, root: unknown): SchemaIssue | undefined {
  if (error.value === undefined && error.type !== ValueErrorType.ObjectRequiredProperty) return undefined
  const path = pointerToPath(error.path, root)
  const parent = path.slice(0, -1)
  const key = String(path[path.length - 1])
  const { schema } = error
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const message = schema[Kind] === 'Record'
        ? `invalid name "${key}" (must match ${Object.keys(schema.patternProperties as object)[0]})`
        : `unknown key "${key}"${didYouMean(key, Object.keys(schema.properties as object))}`
      return { path: parent, at: path, anchor: 'key', message, valueLevel: false }
    }
    case ValueErrorType.ObjectRequiredProperty:
      return { path: parent, at: parent, anchor: 'value', message: `missing required key "${key}"`, valueLevel: false }
    case ValueErrorType.ObjectMinProperties: {
      const keys = Object.keys((schema.properties ?? {}) as object)
      const message = keys.length > 0 ? `must set at least one of ${keys.join(', ')}` : 'must not be empty'
      return { path, at: path, anchor: 'value', message, valueLevel: false }
    }
    default: {
      // Showing the value helps for scalars and wrong types, not for "list must not be empty", and
      // never for a secret (`writeOnly`): the message reaches logs and the admin reload reply.
      const scalar = error.value === null || typeof error.value !== 'object'
      const shown = schema.writeOnly !== true && (scalar || TYPE_ERRORS.has(error.type))
      const got = shown ? ` (got ${show(error.value)}${enumHint(error)})` : ''
      return { path, at: path, anchor: 'value', message: `${valueMessage(error)}${got}`, valueLevel: true }
    }
  }
}
