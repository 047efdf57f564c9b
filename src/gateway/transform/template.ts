// Compiles a parsed template (config/transform-rules.ts) into a function of the request, once per
// snapshot; per request it only reads. A template without variables stays a plain string.
//
// Variables read the request as the client sent it (its raw headers and query), whatever earlier
// transforms did to what goes upstream, so the order of edits never changes what a template says.

import type { TemplatePart, TemplateVar } from '../../config/transform-rules.js'
import type { RequestContext } from '../contract.js'

export type Template = string | ((ctx: RequestContext) => string)

/** What templates read besides the request: the config's own facts. */
export interface TemplateEnv {
  /** The `metadata` of the consumer with this id in the config's `consumers` block. */
  metadata (consumerId: string): Readonly<Record<string, string>> | undefined
}

const NO_ENV: TemplateEnv = { metadata: () => undefined }

export function expand (t: Template, ctx: RequestContext): string {
  return typeof t === 'string' ? t : t(ctx)
}

export function compileTemplate (parts: readonly TemplatePart[], env: TemplateEnv = NO_ENV): Template {
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0]
  const readers = parts.map(p => typeof p === 'string' ? () => p : reader(p, env))
  if (readers.length === 1) return readers[0]!
  return (ctx) => {
    let out = ''
    for (const read of readers) out += read(ctx)
    return out
  }
}

function reader (v: TemplateVar, env: TemplateEnv): (ctx: RequestContext) => string {
  switch (v.kind) {
    case 'request.id': return ctx => ctx.id
    case 'request.method': return ctx => ctx.method
    case 'request.path': return ctx => ctx.path
    case 'client.ip': return ctx => ctx.clientIp
    case 'route.name': return ctx => ctx.route?.name ?? ''
    case 'consumer.id': return ctx => ctx.consumer?.id ?? ''
    case 'consumer.plan': return ctx => ctx.consumer?.plan ?? ''
    case 'request.header': {
      const name = v.arg
      return ctx => requestHeader(ctx.req.rawHeaders, name)
    }
    case 'request.query': {
      const name = v.arg
      return ctx => clientQuery(ctx.req.url ?? '').get(name) ?? ''
    }
    // A consumer's metadata is config (`consumers.ID.metadata`), whichever way it authenticated;
    // an API key's own metadata rides in the contract's `claims`, so it is the fallback there.
    // A JWT's claims are the token's, never metadata.
    case 'consumer.metadata': {
      const key = v.arg
      return ctx => {
        const c = ctx.consumer
        if (c === undefined) return ''
        const m = env.metadata(c.id)
        if (m !== undefined && Object.hasOwn(m, key)) return m[key]!
        return c.via === 'apiKey' ? text(c.claims[key]) : ''
      }
    }
    case 'claim': {
      const path = v.arg
      return ctx => ctx.consumer?.via === 'jwt' ? text(dig(ctx.consumer.claims, path)) : ''
    }
  }
}

/** Every line of `name` (lowercase) joined with ", " (RFC 9110 §5.3), or "". */
function requestHeader (raw: readonly string[], name: string): string {
  let out: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) {
      out = out === undefined ? raw[i + 1]! : `${out}, ${raw[i + 1]!}`
    }
  }
  return out ?? ''
}

function clientQuery (url: string): URLSearchParams {
  const q = url.indexOf('?')
  return new URLSearchParams(q === -1 ? '' : url.slice(q + 1))
}

function dig (value: unknown, path: readonly string[]): unknown {
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/** Strings as they are; numbers and booleans as written; objects and arrays as JSON; absent as "". */
function text (value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
