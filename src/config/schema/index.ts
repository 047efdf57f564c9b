import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { AuthConfigSchema, ConsumersSchema } from './auth.js'
import { Defaulted } from './common.js'
import { AdminSchema, LoggingSchema, ServerSchema } from './server.js'
import { PlansSchema, RateLimitingSchema } from './rate-limits.js'
import { RoutesSchema } from './routes.js'
import { TracingSchema } from './tracing.js'
import { GlobalStageSchemas, optionalKeys } from './stages.js'
import { UpstreamsSchema } from './upstreams.js'

export const GatewayConfigSchema = Type.Object({
  server: Defaulted(ServerSchema),
  admin: Defaulted(AdminSchema),
  logging: Defaulted(LoggingSchema),
  upstreams: UpstreamsSchema,
  routes: RoutesSchema,
  consumers: Type.Optional(ConsumersSchema),
  auth: Type.Optional(AuthConfigSchema),
  rateLimiting: Defaulted(RateLimitingSchema),
  plans: Type.Optional(PlansSchema),
  tracing: Type.Optional(TracingSchema),
  ...optionalKeys(GlobalStageSchemas),
}, {
  additionalProperties: false,
  title: 'Sluice gateway configuration',
  description: 'The YAML file read by `sluice start` and checked by `sluice validate`.',
})

/** The loaded config: every default filled in, durations and sizes still as written. */
export type GatewayConfig = Static<typeof GatewayConfigSchema>

export type { AdminConfig, LoggingConfig, ServerConfig } from './server.js'
export type { Balancer, TargetConfig, UpstreamConfig } from './upstreams.js'
export type { RouteConfig, RouteMatch } from './routes.js'
export type { TracingConfig } from './tracing.js'
export type { GlobalStageKey, StageKey, StageOptions } from './stages.js'
export { GlobalStageSchemas } from './stages.js'
export type { ApiKeysConfig, AuthConfig, ConsumerConfig, JwtProviderConfig } from './auth.js'
export type { PlanLimitConfig, PlansConfig, RateLimitConfig, RateLimitingConfig } from './rate-limits.js'
export { BALANCERS } from './upstreams.js'
