// Building blocks shared by every config section. Durations and sizes stay as written; consumers
// convert them once with parseDuration/parseSize (src/core/duration.ts).
import { Type } from '@sinclair/typebox'
import type { SchemaOptions, TSchema } from '@sinclair/typebox'

// `errorMessage` (the ajv-errors keyword) replaces TypeBox's generic union/pattern wording in
// located config errors; json-schema.ts strips it from the published schema.

export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$'
// JSON Schema patterns carry no flags, so case-insensitivity is spelled out.
export const SIZE_PATTERN = '^\\d+(\\.\\d+)?([bB]|[kK][bB]|[mM][bB]|[gG][bB])$'
export const NAME_PATTERN = '^[A-Za-z0-9_.-]+$'

/**
 * An optional key that the loader fills with its `default`: optional in the file, always present
 * in the loaded config, which is why the static type keeps it required.
 */
export function Defaulted<T extends TSchema> (schema: T): T {
  return Type.Optional(schema) as unknown as T
}

export function Duration (options: SchemaOptions = {}) {
  return Type.Union([
    Type.String({ pattern: DURATION_PATTERN }),
    Type.Integer({ minimum: 0 }),
  ], {
    title: 'Duration',
    errorMessage: 'expected a duration like 250ms, 10s, 1m',
    ...options,
  })
}

export function Size (options: SchemaOptions = {}) {
  return Type.Union([
    Type.String({ pattern: SIZE_PATTERN }),
    Type.Integer({ minimum: 0 }),
  ], {
    title: 'Size',
    errorMessage: 'expected a size like 512b, 16kb, 10mb',
    ...options,
  })
}

/** Parsed precisely by check.ts; a pattern here could only approximate IPv6. */
export function Cidr (options: SchemaOptions = {}) {
  return Type.String({ title: 'CIDR', minLength: 1, ...options })
}

/** A JavaScript regular expression source; check.ts compiles it. */
export function RegexString (options: SchemaOptions = {}) {
  return Type.String({ title: 'RegExp', minLength: 1, ...options })
}

export function Name (options: SchemaOptions = {}) {
  return Type.String({
    pattern: NAME_PATTERN,
    errorMessage: 'expected a name made of letters, digits, "_", "." and "-"',
    ...options,
  })
}

export function Port (options: SchemaOptions = {}) {
  return Type.Integer({ minimum: 0, maximum: 65535, ...options })
}

export function Path (options: SchemaOptions = {}) {
  return Type.String({ pattern: '^/', errorMessage: 'expected a path starting with "/"', ...options })
}
