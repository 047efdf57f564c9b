// Consumers and access control (docs/auth.md): the top-level `consumers` and `auth` blocks, and
// the route's `auth` options (the authentication and authorization stages).

import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted, Duration, Name } from './common.js'

const HEADER_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$'

export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512', 'EdDSA',
] as const

const Scopes = (description: string) => Type.Array(Type.String({ minLength: 1, pattern: '^[^\\s]+$' }), { default: [], description })

export const ConsumerSchema = Type.Object({
  plan: Type.Optional(Type.String({ minLength: 1, description: 'Plan name, read by rate limits and quotas.' })),
  scopes: Defaulted(Type.Array(Type.String({ minLength: 1, pattern: '^[^\\s]+$' }), {
    default: [],
    description: "Scopes this consumer may hold; an API key's scopes never exceed them.",
  })),
  roles: Defaulted(Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Roles given to API keys of this consumer.' })),
  metadata: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Free-form labels (team, owner).' })),
}, { additionalProperties: false, description: 'One known caller.' })

export const ConsumersSchema = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.@:-]+$' }), ConsumerSchema, {
  description: 'Known callers by id: their plan and the scopes their API keys may carry. A JWT consumer ' +
    'is looked up here by its `consumerClaim` when present.',
})

export const JwtProviderSchema = Type.Object({
  name: Name({ description: 'Provider name, used as `jwt:NAME` in a route\'s `auth.methods`, in logs and metrics.' }),
  issuer: Type.String({ minLength: 1, description: 'Required `iss`; also how a token picks its provider.' }),
  audiences: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    description: 'Accepted `aud` values (any one); unset means `aud` is not checked.',
  })),
  jwksUrl: Type.Optional(Type.String({
    pattern: '^https?://',
    description: 'JWKS endpoint: fetched at start, refreshed by its Cache-Control max-age, refetched on an unknown ' +
      '`kid` at most once per `jwksCooldown`; the last good keys stay in use while it is down.',
  })),
  secret: Type.Optional(Type.String({
    minLength: 32,
    writeOnly: true,
    description: 'Shared secret for HS* algorithms (write it as an environment reference, `$' + '{JWT_SECRET}`); at least 32 ' +
      'characters. Never logged.',
  })),
  publicKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM public key (SPKI) file, relative to the config file.' })),
  algorithms: Type.Array(Type.Union(JWT_ALGORITHMS.map(a => Type.Literal(a))), {
    minItems: 1,
    errorMessage: `expected a list of JWS algorithms (${JWT_ALGORITHMS.join(', ')})`,
    description: 'Allowlist of accepted `alg` values; required. `none` is never accepted; HS* only with `secret`.',
  }),
  clockSkew: Defaulted(Duration({ default: '30s', description: 'Leeway for `exp` and `nbf`.' })),
  jwksCooldown: Defaulted(Duration({ default: '30s', description: 'Least time between two JWKS fetches.' })),
  consumerClaim: Defaulted(Type.String({ default: 'sub', minLength: 1, description: 'Claim naming the consumer.' })),
  scopesClaim: Defaulted(Type.String({ default: 'scope', minLength: 1, description: 'Claim holding scopes: space-separated string or array.' })),
  rolesClaim: Defaulted(Type.String({
    default: 'roles',
    minLength: 1,
    description: 'Claim holding roles; a dotted path such as `realm_access.roles` reaches into objects.',
  })),
  forwardClaims: Type.Optional(Type.Record(Type.String({ pattern: HEADER_NAME }), Type.String({ minLength: 1 }), {
    description: 'Header → claim (dotted path) sent upstream. A client-sent header of the same name is always removed.',
  })),
}, { additionalProperties: false, description: 'One token issuer.' })

export const ApiKeyStoreSchema = Type.Union([
  Type.Object({
    type: Type.Literal('file'),
    path: Type.String({ minLength: 1, description: 'JSON file, relative to the config file; written atomically and watched.' }),
  }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('redis'),
    url: Type.String({ pattern: '^rediss?://', description: 'Redis URL; shared by every instance.' }),
    prefix: Defaulted(Type.String({ default: 'sluice:keys:', description: 'Key prefix in Redis.' })),
  }, { additionalProperties: false }),
], { errorMessage: 'expected { type: file, path } or { type: redis, url }', description: 'Where API keys are kept (hashed).' })

export const ApiKeysSchema = Type.Object({
  header: Defaulted(Type.String({ default: 'x-api-key', pattern: HEADER_NAME, description: 'Request header carrying the key; removed before forwarding.' })),
  store: ApiKeyStoreSchema,
}, { additionalProperties: false, description: 'API keys (docs/auth.md).' })

export const AuthConfigSchema = Type.Object({
  jwt: Type.Optional(Type.Array(JwtProviderSchema, { description: 'Token issuers.' })),
  apiKeys: Type.Optional(ApiKeysSchema),
}, { additionalProperties: false, description: 'Authentication methods routes may use (`auth.methods`).' })

export const AuthStageSchema = Type.Object({
  methods: Type.Array(Type.String({
    pattern: '^(jwt|apiKey|jwt:[A-Za-z0-9_.-]+)$',
    errorMessage: 'expected jwt, jwt:NAME or apiKey',
  }), {
    minItems: 1,
    description: 'Accepted methods, any one suffices: `jwt` (any configured issuer, chosen by `iss`), `jwt:NAME` ' +
      '(one issuer), `apiKey`.',
  }),
  scopes: Defaulted(Scopes('Scopes the consumer must hold, all of them.')),
  roles: Defaulted(Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Roles of which the consumer must hold one (empty: any).' })),
}, { additionalProperties: false, description: 'Who may call the route: authentication then authorization (docs/auth.md).' })

export type AuthConfig = Static<typeof AuthConfigSchema>
export type JwtProviderConfig = Static<typeof JwtProviderSchema>
export type ApiKeysConfig = Static<typeof ApiKeysSchema>
export type ConsumerConfig = Static<typeof ConsumerSchema>
