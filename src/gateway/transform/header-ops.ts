// Header edits on a flat [name, value, …] list (the request's upstream headers or a response head),
// compiled once. Order: remove, rename, set, add (Kong's request-transformer order), so a set
// value wins over a renamed one and an added line joins whatever the others left.
//
// Names come only from the config (tokens, checked against the gateway's own headers by
// check-stages.ts); only values come from the request, and an expanded value is checked before it
// goes in, so a template can never start a new header line.

import { isFieldValue } from '../../config/transform-rules.js'
import { TransformHeaderError } from '../../errors.js'
import type { RequestContext } from '../contract.js'
import { removeHeader } from '../headers.js'
import type { Template } from './template.js'

export interface HeaderOps {
  remove: ReadonlySet<string>
  /** The removed names and the set ones: without renames, one pass drops them all. */
  drop: ReadonlySet<string>
  rename: ReadonlyArray<readonly [from: string, to: string]>
  set: ReadonlyArray<readonly [name: string, value: Template]>
  add: ReadonlyArray<readonly [name: string, value: Template]>
}

/**
 * Throws TransformHeaderError when a template expands to a value a header cannot carry; values are
 * expanded before the list changes, so a failed edit leaves it as it was.
 */
export function applyHeaderOps (ops: HeaderOps, headers: string[], ctx: RequestContext): void {
  const set = ops.set.length === 0 ? NONE : ops.set.map(([name, t]) => checked(name, t, ctx))
  const add = ops.add.length === 0 ? NONE : ops.add.map(([name, t]) => checked(name, t, ctx))
  if (ops.rename.length === 0) dropNames(headers, ops.drop)
  else {
    dropNames(headers, ops.remove)
    for (const [from, to] of ops.rename) rename(headers, from, to)
    dropNames(headers, ops.drop)
  }
  for (let i = 0; i < set.length; i++) headers.push(ops.set[i]![0], set[i]!)
  for (let i = 0; i < add.length; i++) headers.push(ops.add[i]![0], add[i]!)
}

const NONE: readonly string[] = []

function checked (name: string, t: Template, ctx: RequestContext): string {
  // A constant was checked with the config; only an expansion can bring in a bad character.
  if (typeof t === 'string') return t
  const value = t(ctx)
  if (!isFieldValue(value)) throw new TransformHeaderError(name)
  return value
}

/** One pass: every line whose name is in `names` goes. */
function dropNames (headers: string[], names: ReadonlySet<string>): void {
  if (names.size === 0) return
  let w = 0
  for (let r = 0; r < headers.length; r += 2) {
    if (names.has(headers[r]!.toLowerCase())) continue
    headers[w++] = headers[r]!
    headers[w++] = headers[r + 1]!
  }
  headers.length = w
}

function rename (headers: string[], from: string, to: string): void {
  let found = false
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === from) found = true
  if (!found) return
  removeHeader(headers, to)
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === from) headers[i] = to
}
