// Guard clauses for options objects: each names the offending key (`suppliers.hotels.retry.attempts`)
// so a bad option fails at construction with a message that says where, never later per request.

import { tryParseDuration, tryParseSize } from '../core/duration.js'
import { InvalidOptionsError } from '../errors.js'

export type Obj = Record<string, unknown>

export function fail (path: string, message: string): never {
  throw new InvalidOptionsError(`${path}: ${message}`)
}

export function obj (value: unknown, path: string, allowed: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object')
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) fail(`${path}.${k}`, `unknown option (expected one of ${allowed.join(', ')})`)
  }
  return value as Obj
}

export function optObj (value: unknown, path: string, allowed: readonly string[]): Obj | undefined {
  return value === undefined ? undefined : obj(value, path, allowed)
}

export function number (
  o: Obj, key: string, path: string, def: number, { min = 0, max = Infinity, int = false } = {}
): number {
  const v = o[key]
  if (v === undefined) return def
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
    fail(`${path}.${key}`, `must be ${int ? 'an integer' : 'a number'} between ${min} and ${max}, got ${JSON.stringify(v)}`)
  }
  return v
}

export function duration (o: Obj, key: string, path: string, def: number): number {
  const v = o[key]
  if (v === undefined) return def
  const ms = tryParseDuration(v)
  if (ms === undefined) fail(`${path}.${key}`, `invalid duration ${JSON.stringify(v)} (use 250ms, 10s, 1m or integer ms)`)
  return ms
}

export function size (o: Obj, key: string, path: string, def: number): number {
  const v = o[key]
  if (v === undefined) return def
  const b = tryParseSize(v)
  if (b === undefined) fail(`${path}.${key}`, `invalid size ${JSON.stringify(v)} (use 16kb, 10mb or integer bytes)`)
  return b
}

export function bool (o: Obj, key: string, path: string, def: boolean): boolean {
  const v = o[key]
  if (v === undefined) return def
  if (typeof v !== 'boolean') fail(`${path}.${key}`, 'must be true or false')
  return v
}

export function oneOf<T extends string> (o: Obj, key: string, path: string, values: readonly T[], def: T): T {
  const v = o[key]
  if (v === undefined) return def
  if (typeof v !== 'string' || !values.includes(v as T)) fail(`${path}.${key}`, `must be one of ${values.join(', ')}`)
  return v as T
}

export function string (o: Obj, key: string, path: string): string | undefined {
  const v = o[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || v === '') fail(`${path}.${key}`, 'must be a non-empty string')
  return v
}
