// Query string edits, compiled once: remove the named parameters, then set each configured one
// (replacing every occurrence). Names compare decoded, as an upstream's parser will read them;
// parameters the edits do not name keep their exact spelling.

import type { RequestContext } from '../contract.js'
import { expand } from './template.js'
import type { Template } from './template.js'

export interface QueryOps {
  /** Names dropped from the client's query: the removed ones and the ones set. */
  drop: ReadonlySet<string>
  set: ReadonlyArray<readonly [name: string, value: Template]>
}

export function applyQueryOps (ops: QueryOps, query: string, ctx: RequestContext): string {
  const drop = ops.drop
  let out = ''
  if (query !== '') {
    for (const part of query.split('&')) {
      if (part === '') continue
      const eq = part.indexOf('=')
      if (drop.has(decode(eq === -1 ? part : part.slice(0, eq)))) continue
      out = out === '' ? part : `${out}&${part}`
    }
  }
  for (const [name, t] of ops.set) {
    const pair = `${encodeURIComponent(name)}=${encodeURIComponent(expand(t, ctx))}`
    out = out === '' ? pair : `${out}&${pair}`
  }
  return out
}

function decode (s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '))
  } catch {
    return s
  }
}
