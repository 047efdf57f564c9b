// The effective config as GET /admin/config shows it: every secret replaced by REDACTED. Three
// rules, so that a secret needs no entry in a list here to stay hidden:
//  1. the schema says so: a property marked `writeOnly` (admin.token, affinity.secret, JWT
//     secrets, …) is hidden whole; a writeOnly record keeps its keys and hides its values;
//  2. user-named keys (header, query and claim names in records: transform `set`, fixed response
//     headers, tracing headers) that look like credentials hide their values;
//  3. any string holding a URL with credentials (redis://:password@host) loses its userinfo.
// Schemas are walked with the value the same way config/defaults.ts walks them; a union's object
// variants are merged, so a key is secret when any variant says it is.

import { Kind } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'

export const REDACTED = '[redacted]'

const CREDENTIAL_NAME = /authorization|cookie|secret|passw(or)?d|token|api[-_]?key|credential|private/i
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

/** A redacted deep copy of `value` (never the frozen config itself). */
export function redactConfig (schema: TSchema | undefined, value: unknown): unknown {
  if (schema?.writeOnly === true) return hideWhole(value)
  if (typeof value === 'string') return value.replace(URL_USERINFO, `$1${REDACTED}@`)
  if (Array.isArray(value)) return value.map(v => redactConfig(itemsOf(schema), v))
  if (!isObject(value)) return value
  const out: Obj = {}
  for (const [key, v] of Object.entries(value)) {
    const { schema: sub, userNamed } = propertyOf(schema, key)
    out[key] = userNamed && CREDENTIAL_NAME.test(key) && !isObject(v) && !Array.isArray(v)
      ? REDACTED
      : redactConfig(sub, v)
  }
  return out
}

function hideWhole (value: unknown): unknown {
  if (isObject(value)) return Object.fromEntries(Object.keys(value).map(k => [k, REDACTED]))
  return value === undefined ? undefined : REDACTED
}

function variants (schema: TSchema | undefined): TSchema[] {
  if (schema === undefined) return []
  if (schema[Kind] === 'Union') return (schema.anyOf as TSchema[]).flatMap(variants)
  return [schema]
}

function itemsOf (schema: TSchema | undefined): TSchema | undefined {
  return variants(schema).find(v => v[Kind] === 'Array')?.items as TSchema | undefined
}

/** The schema of `key` in an object value, and whether the key is a user's name (a record key). */
function propertyOf (schema: TSchema | undefined, key: string): { schema: TSchema | undefined, userNamed: boolean } {
  let found: TSchema | undefined
  let fixed = false
  let userNamed = false
  for (const v of variants(schema)) {
    if (v[Kind] === 'Object') {
      fixed = true
      const p = (v.properties as Record<string, TSchema>)[key]
      if (p !== undefined && (found === undefined || p.writeOnly === true)) found = p
    } else if (v[Kind] === 'Record') {
      userNamed = true
      found ??= Object.values(v.patternProperties as Record<string, TSchema>)[0]
    }
  }
  // Free-form values (Type.Unknown, or no schema at all) are user-named throughout.
  return { schema: found, userNamed: userNamed || !fixed }
}
