// The health parts of one upstream, made or reused through the snapshot's keyed resources: a
// state per target, a probe per target when active checks are on, and the options the Upstream
// itself applies (passive ejection, slow start).

import { parseDuration } from '../../../core/duration.js'
import { stableKey } from '../../../core/stable-key.js'
import type { Clock } from '../../../core/clock.js'
import type { UpstreamConfig } from '../../../config/schema/index.js'
import type { Logger } from '../../../observability/logger.js'
import type { Metrics } from '../../../observability/metrics.js'
import type { Resource, ResourceSet } from '../../resources.js'
import type { Target } from '../target.js'
import { ActiveProbe, parseStatusRange } from './active.js'
import type { ActiveHealthOptions } from './active.js'
import { soloHealthBus } from './bus.js'
import type { HealthBus } from './bus.js'
import type { PassiveHealthOptions } from './passive.js'
import { healthKey, TargetHealthState } from './state.js'

export interface HealthDeps {
  clock: Clock
  logger: Logger
  metrics: Metrics
  health?: HealthBus
}

export interface HealthParts {
  /** The state of the target at `url`: this upstream's existing one, or a new one. */
  state (url: string): TargetHealthState
  /** Starts (with the snapshot) a probe for each target, when active checks are configured. */
  probe (targets: readonly Target[]): void
  readonly options: {
    passive?: PassiveHealthOptions
    slowStartMs?: number
    parts: ReadonlyArray<readonly [string, Resource]>
  }
}

/**
 * `existed`: the upstream was in the previous snapshot, so a target new to it ramps up (slow
 * start); the targets of an upstream that is new themselves are all new together and do not.
 */
export function healthParts (
  name: string, uc: UpstreamConfig, set: ResourceSet, deps: HealthDeps, existed: boolean
): HealthParts {
  const parts: Array<readonly [string, Resource]> = []
  const active = uc.healthCheck?.active
  const passive = uc.healthCheck?.passive
  const probeOptions: ActiveHealthOptions | undefined = active === undefined
    ? undefined
    : {
        path: active.path,
        intervalMs: parseDuration(active.interval),
        timeoutMs: parseDuration(active.timeout),
        healthyThreshold: active.healthyThreshold,
        unhealthyThreshold: active.unhealthyThreshold,
        expect: parseStatusRange(active.expectStatus),
      }
  const probeConfig = active === undefined ? '' : stableKey(active)
  const slowStartMs = uc.slowStart === undefined ? 0 : parseDuration(uc.slowStart)
  return {
    state (url) {
      const origin = new URL(url).origin
      const key = healthKey(name, origin)
      const state = set.use(key, () => new TargetHealthState({
        clock: deps.clock,
        upstream: name,
        target: origin,
        healthy: deps.metrics.upstreamTargetHealthy,
        ejections: deps.metrics.upstreamEjections,
      }, existed && slowStartMs > 0))
      parts.push([key, state])
      return state
    },
    probe (targets) {
      if (probeOptions === undefined) return
      for (const t of targets) {
        const key = `probe|${t.state.key}|${probeConfig}`
        const probe = set.use(key, () => new ActiveProbe(t.id, t.state, probeOptions, {
          clock: deps.clock,
          bus: deps.health ?? soloHealthBus,
          logger: deps.logger,
        }))
        parts.push([key, probe])
      }
    },
    options: {
      ...(passive === undefined
        ? {}
        : {
            passive: {
              consecutiveFailures: passive.consecutiveFailures,
              ejectForMs: parseDuration(passive.ejectFor),
              maxEjectedPercent: passive.maxEjectedPercent,
            },
          }),
      slowStartMs,
      parts,
    },
  }
}
