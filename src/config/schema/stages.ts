// Per-stage options: one entry per route key, each the typed options of one gateway stage
// (src/gateway/stages/). A route that sets a key runs that stage with those options. A key listed
// in GlobalStageSchemas may also be written at the top level as the default for every route that
// does not set it; a route's own value replaces the default whole (no merging), so what a route
// runs is always one block of YAML.
//
// Feature stages land here under the keys their issues name: ipRules, cors, auth, rateLimits,
// transform, websocket.

import { CloneType, Type } from '@sinclair/typebox'
import type { Static, TOptional, TSchema } from '@sinclair/typebox'
import { AuthStageSchema } from './auth.js'
import { Cidr } from './common.js'
import { CorsStageSchema } from './cors.js'
import { RateLimitsStageSchema } from './rate-limits.js'
import { TransformStageSchema } from './transform.js'

// RFC 9110 §5.1 token; values: no CR, LF or NUL (§5.5), so a config value cannot split a header.
const HEADER_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$'
const HEADER_VALUE = '^[^\\r\\n\\u0000]*$'

export const HeadersStageSchema = Type.Object({
  response: Type.Record(
    Type.String({ pattern: HEADER_NAME }),
    Type.String({ pattern: HEADER_VALUE, errorMessage: 'expected a header value without CR, LF or NUL' }),
    {
      additionalProperties: false,
      minProperties: 1,
      description: 'Header name → value set on every response of the route (upstream answers, local replies ' +
        'and errors); replaces a header of the same name from the upstream.',
    }
  ),
}, { additionalProperties: false, description: 'Fixed response headers (the `headers` stage).' })

export const IpRulesStageSchema = Type.Object({
  allow: Type.Optional(Type.Array(Cidr(), {
    description: 'CIDRs (or bare addresses) allowed; when set, every other client is refused.',
  })),
  deny: Type.Optional(Type.Array(Cidr(), {
    description: 'CIDRs (or bare addresses) refused, even when `allow` also lists them (deny wins).',
  })),
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Client address rules (the `ipRules` stage), on the address resolved through ' +
    '`server.trustedProxies`; a refused client gets 403 `SLC_IP_DENIED`.',
})

/** Route key → options schema of the stage it configures. */
export const StageSchemas = {
  headers: HeadersStageSchema,
  ipRules: IpRulesStageSchema,
  cors: CorsStageSchema,
  auth: AuthStageSchema,
  rateLimits: RateLimitsStageSchema,
  transform: TransformStageSchema,
}

/** The stage keys also accepted at the top level, as every route's default. */
export const GlobalStageSchemas = {
  headers: routeDefault('headers', HeadersStageSchema),
  ipRules: routeDefault('ipRules', IpRulesStageSchema),
  cors: routeDefault('cors', CorsStageSchema),
  transform: routeDefault('transform', TransformStageSchema),
}

export type StageKey = keyof typeof StageSchemas
/** Stage keys whose top-level value is every route's default (`auth` at the top level is something else). */
export type GlobalStageKey = keyof typeof GlobalStageSchemas
export type StageOptions = { [K in StageKey]: Static<typeof StageSchemas[K]> }

function routeDefault<T extends TSchema> (key: string, schema: T): T {
  // CloneType keeps the schema's own description over one passed in, hence the spread.
  return { ...CloneType(schema), description: `${schema.description as string} The default for every route that does not set \`${key}\`.` }
}

/** Each schema as an optional key of an object schema. */
export function optionalKeys<T extends Record<string, TSchema>> (schemas: T): { [K in keyof T]: TOptional<T[K]> } {
  const out: Record<string, TSchema> = {}
  for (const [k, s] of Object.entries(schemas)) out[k] = Type.Optional(s)
  return out as { [K in keyof T]: TOptional<T[K]> }
}
