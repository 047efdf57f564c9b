// The registry: the only place stage names meet code. Every route runs the built-in stages first,
// then the configured ones its config (or the top-level default) sets, in the one canonical order
// below. Adding a stage: its options schema in config/schema/stages.ts, its file here, one line
// in CONFIGURED at its place in the order.
//
// Canonical order (request side top to bottom; onResponseHead and onEnd bottom to top, and only
// for stages whose onRequest started, so a stage that decorates every reply sits above the
// stages that may answer locally):
//
//   requestId → forwarded (→ consumerHeaders)        built in, every route (the last once `auth` is set)
//   headers                                         fixed response headers
//   ipRules → cors → authentication → authorization → rateLimits → transform (request side)
//   ── upstream ──
//   transform's onResponseHead runs first on the way back (response transforms)

import type { Clock, Random } from '../../core/clock.js'
import { stableKey } from '../../core/stable-key.js'
import { GlobalStageSchemas } from '../../config/schema/index.js'
import type { GatewayConfig, GlobalStageKey, RouteConfig, StageKey, StageOptions } from '../../config/schema/index.js'
import type { Logger } from '../../observability/logger.js'
import type { Metrics } from '../../observability/metrics.js'
import type { Stage } from '../contract.js'
import type { ResourceSet } from '../resources.js'
import type { SlotAllocator } from '../slots.js'
import { createAuthenticationStage } from './authentication.js'
import { createAuthorizationStage } from './authorization.js'
import { createConsumerHeadersStage } from './consumer-headers.js'
import { createCorsStage } from './cors.js'
import { createForwardedStage } from './forwarded.js'
import { createHeadersStage } from './headers.js'
import { createIpRulesStage } from './ip-rules.js'
import { createRateLimitsStage } from './rate-limits.js'
import { createRequestIdStage } from './request-id.js'
import { createTransformStage } from './transform.js'

export interface StageDeps {
  readonly clock: Clock
  readonly random: Random
  readonly logger: Logger
  readonly metrics: Metrics
  readonly trustedProxies: readonly string[]
  /** Per-request state slots for this snapshot (ctx.get / ctx.set). */
  readonly slots: SlotAllocator
  /** The whole config, for stages that read top-level blocks (auth, consumers). */
  readonly config: GatewayConfig
  /** Parts that outlive this snapshot when their config is unchanged (JWKS caches, key stores). */
  readonly resources: ResourceSet
  /** The config file's directory: relative paths in the config resolve against it. */
  readonly baseDir: string
}

/** Called once per snapshot build for each distinct options value; the stage it returns is shared. */
export type StageFactory<O> = (options: O, deps: StageDeps) => Stage

type Configured = { [K in StageKey]: { readonly key: K, readonly create: StageFactory<StageOptions[K]> } }[StageKey]

/** The configurable stages, in canonical order. One config key may feed several entries (auth). */
const CONFIGURED: readonly Configured[] = [
  { key: 'headers', create: createHeadersStage },
  { key: 'ipRules', create: createIpRulesStage },
  { key: 'cors', create: createCorsStage },
  { key: 'auth', create: createAuthenticationStage },
  { key: 'auth', create: createAuthorizationStage },
  { key: 'rateLimits', create: createRateLimitsStage },
  { key: 'transform', create: createTransformStage },
]

/** Builds the stage lists of one snapshot's routes; equal options share one stage instance. */
export class StageBuilder {
  readonly #config: GatewayConfig
  readonly #deps: StageDeps
  readonly #builtins: readonly Stage[]
  readonly #instances = new Map<string, Stage>()

  constructor (config: GatewayConfig, deps: StageDeps) {
    this.#config = config
    this.#deps = deps
    this.#builtins = Object.freeze([
      createRequestIdStage(),
      createForwardedStage({ trustedProxies: deps.trustedProxies }),
      ...(config.auth === undefined ? [] : [createConsumerHeadersStage(config)]),
    ])
  }

  forRoute (route: RouteConfig): readonly Stage[] {
    let stages: Stage[] | undefined
    CONFIGURED.forEach((entry, i) => {
      // Top-level `auth` holds the methods, not a route default; only GlobalStageSchemas keys default.
      const global = entry.key in GlobalStageSchemas ? this.#config[entry.key as GlobalStageKey] : undefined
      const options = route[entry.key] ?? global
      if (options === undefined) return
      const id = `${i}:${stableKey(options)}`
      let stage = this.#instances.get(id)
      if (stage === undefined) {
        stage = (entry.create as StageFactory<typeof options>)(options, this.#deps)
        this.#instances.set(id, stage)
      }
      (stages ??= [...this.#builtins]).push(stage)
    })
    return stages ?? this.#builtins
  }
}
