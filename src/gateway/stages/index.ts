// The registry: the only place stage names meet code. Built-in stages run first on every route;
// configurable ones (cors, auth, rate limits, …) are added here as they land.

import type { Clock, Random } from '../../core/clock.js'
import type { Logger } from '../../observability/logger.js'
import type { Metrics } from '../../observability/metrics.js'
import type { Stage } from '../contract.js'
import { createForwardedStage } from './forwarded.js'
import { createRequestIdStage } from './request-id.js'

export interface StageDeps {
  readonly clock: Clock
  readonly random: Random
  readonly logger: Logger
  readonly metrics: Metrics
  readonly trustedProxies: readonly string[]
}

export type StageFactory<O> = (options: O, deps: StageDeps) => Stage

export const STAGES = {
  requestId: (_options: unknown, _deps: StageDeps) => createRequestIdStage(),
  forwarded: (_options: unknown, deps: StageDeps) => createForwardedStage({ trustedProxies: deps.trustedProxies }),
} satisfies Record<string, StageFactory<never>>

/** The stages every route runs, in order; built once per snapshot and shared by all routes. */
export function builtinStages (deps: StageDeps): Stage[] {
  return [STAGES.requestId(undefined, deps), STAGES.forwarded(undefined, deps)]
}
