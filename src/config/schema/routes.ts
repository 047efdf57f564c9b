import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted, Name, Path, RegexString, Size } from './common.js'
import { optionalKeys, StageSchemas } from './stages.js'

const ValueMatcher = Type.String({
  description: 'Exact value, or an unanchored regex written `/.../` (add `^…$` to match the whole value; see docs/paths.md).',
})

export const MatchSchema = Type.Object({
  path: Type.Optional(Path({
    description: 'Path prefix, matched on a segment boundary; may contain `:params` (`/users/:id`).',
  })),
  pathExact: Type.Optional(Path({ description: 'Exact path; may contain `:params`.' })),
  pathRegex: Type.Optional(RegexString({
    description: 'Unanchored JavaScript regex tested against the normalised path; named groups become params.',
  })),
  host: Type.Optional(Type.Union([
    Type.String({ minLength: 1 }),
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  ], {
    errorMessage: 'expected a host name or a list of host names',
    description: 'Host name or list of them; exact, or a leading wildcard like `*.example.com`.',
  })),
  methods: Type.Optional(Type.Array(Type.String({
    pattern: '^[A-Z]+$',
    errorMessage: 'expected an uppercase HTTP method like GET',
  }), { minItems: 1, description: 'Uppercase HTTP methods.' })),
  headers: Type.Optional(Type.Record(Type.String(), ValueMatcher, {
    description: 'Header name → exact value, or a regex written `/.../`.',
  })),
  query: Type.Optional(Type.Record(Type.String(), ValueMatcher, {
    description: 'Query parameter → exact value, or a regex written `/.../`.',
  })),
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'What a request must look like; at most one of `path`, `pathExact`, `pathRegex`.',
})

export const RewriteSchema = Type.Object({
  pattern: RegexString({ description: 'Unanchored JavaScript regex applied to the normalised path.' }),
  replacement: Type.String({
    description: 'Replacement; `$1`… and `$<name>` captures and `:params` of the match path expand.',
  }),
}, { additionalProperties: false, description: 'Path rewrite, applied after `stripPrefix`.' })

export const RouteSchema = Type.Object({
  name: Name({ description: 'Unique route name, used in logs and metrics.' }),
  match: MatchSchema,
  priority: Defaulted(Type.Integer({
    default: 0,
    description: 'Highest priority wins, then the most specific match, then file order.',
  })),
  stripPrefix: Type.Optional(Type.String({
    pattern: '^/',
    errorMessage: 'expected a path starting with "/"',
    description: 'Removed from the front of the path before forwarding.',
  })),
  rewrite: Type.Optional(RewriteSchema),
  upstream: Type.String({ minLength: 1, description: 'Name of a key of `upstreams`.' }),
  preserveHost: Defaulted(Type.Boolean({
    default: false,
    description: 'Send the client\'s Host header instead of the target\'s.',
  })),
  maxBodySize: Type.Optional(Size({
    description: 'Request bodies above this are answered 413; unset means unlimited (streamed).',
  })),
  ...optionalKeys(StageSchemas),
}, { additionalProperties: false, description: 'One route.' })

export const RoutesSchema = Type.Array(RouteSchema, {
  description: 'Routes, tried by priority, then specificity, then file order. May be empty.',
})

export type RouteMatch = Static<typeof MatchSchema>
export type RouteConfig = Static<typeof RouteSchema>
