// The published JSON Schema (`sluice schema`, schema/sluice.schema.json): editors use it for
// completion and validation of sluice.yaml.
import type { TSchema } from '@sinclair/typebox'
import { GatewayConfigSchema } from './schema/index.js'

export const GATEWAY_SCHEMA_ID = 'urn:sluice:schema:gateway'

/** Keys that only the loader reads: TypeBox's symbol keys go anyway, since Object.entries skips them. */
const INTERNAL_KEYS = new Set(['errorMessage'])

/** A plain-JSON copy of a TypeBox schema, without TypeBox's symbols or loader-only keywords. */
export function toJsonSchema (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema)
  if (schema === null || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (!INTERNAL_KEYS.has(key)) out[key] = toJsonSchema(value)
  }
  return out
}

export function gatewayJsonSchema (): Record<string, unknown> {
  const { title, ...rest } = toJsonSchema(GatewayConfigSchema as TSchema) as Record<string, unknown>
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: GATEWAY_SCHEMA_ID,
    title,
    ...rest,
  }
}
