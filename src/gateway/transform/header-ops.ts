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
  remove: readonly string[]
  rename: ReadonlyArray<readonly [from: string, to: string]>
  set: ReadonlyArray<readonly [name: string, value: Template]>
  add: ReadonlyArray<readonly [name: string, value: Template]>
}

/** Throws TransformHeaderError when a template expands to a value a header cannot carry. */
export function applyHeaderOps (ops: HeaderOps, headers: string[], ctx: RequestContext): void {
  for (const name of ops.remove) removeHeader(headers, name)
  for (const [from, to] of ops.rename) rename(headers, from, to)
  for (const [name, t] of ops.set) {
    const value = checked(name, t, ctx)
    removeHeader(headers, name)
    headers.push(name, value)
  }
  for (const [name, t] of ops.add) headers.push(name, checked(name, t, ctx))
}

function checked (name: string, t: Template, ctx: RequestContext): string {
  // A constant was checked with the config; only an expansion can bring in a bad character.
  if (typeof t === 'string') return t
  const value = t(ctx)
  if (!isFieldValue(value)) throw new TransformHeaderError(name)
  return value
}

function rename (headers: string[], from: string, to: string): void {
  let found = false
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === from) found = true
  if (!found) return
  removeHeader(headers, to)
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === from) headers[i] = to
}
