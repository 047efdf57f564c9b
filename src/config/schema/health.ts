// Per-upstream health: active probes and passive outlier ejection (docs/resilience.md).
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Defaulted, Duration, Path } from './common.js'

export const STATUS_RANGE_PATTERN = '^[1-5][0-9]{2}(-[1-5][0-9]{2})?$'

export const ActiveHealthSchema = Type.Object({
  path: Defaulted(Path({ default: '/healthz', description: 'Path (and query) each probe GETs on every target.' })),
  interval: Defaulted(Duration({ default: '2s', description: 'Time between the starts of two probes of one target.' })),
  timeout: Defaulted(Duration({
    default: '1s',
    description: 'A probe without a response head after this fails. At most `interval`.',
  })),
  healthyThreshold: Defaulted(Type.Integer({
    minimum: 1,
    default: 2,
    description: 'Good probes in a row that bring a down target back.',
  })),
  unhealthyThreshold: Defaulted(Type.Integer({
    minimum: 1,
    default: 2,
    description: 'Failed probes in a row that take a target down.',
  })),
  expectStatus: Defaulted(Type.String({
    pattern: STATUS_RANGE_PATTERN,
    default: '200-399',
    errorMessage: 'expected a status like "200" or an inclusive range like "200-399"',
    description: 'Statuses that count as a good probe: one status (`"204"`) or an inclusive range (`"200-399"`).',
  })),
}, {
  additionalProperties: false,
  description: 'Active health checks: every target is probed on its own connection; with `server.workers` > 1 ' +
    'one worker probes for the instance and every worker routes on its verdicts.',
})

export const PassiveHealthSchema = Type.Object({
  consecutiveFailures: Defaulted(Type.Integer({
    minimum: 1,
    default: 5,
    description: 'Failures in a row (connect failure, reset, invalid response, response timeout, any 5xx) that eject a target.',
  })),
  ejectFor: Defaulted(Duration({
    default: '30s',
    description: 'How long a first ejection lasts; each further ejection of the same target doubles it, ' +
      'up to 8 times this (reset once the target has stayed in for as long as its last ejection).',
  })),
  maxEjectedPercent: Defaulted(Type.Integer({
    minimum: 0,
    maximum: 100,
    default: 50,
    description: 'Never more than this share of the upstream\'s targets ejected at once (rounded down: ' +
      'with 2 targets, 50 allows one).',
  })),
}, { additionalProperties: false, description: 'Passive health (outlier ejection) from real traffic, per gateway process.' })

export const HealthCheckSchema = Type.Object({
  active: Type.Optional(ActiveHealthSchema),
  passive: Type.Optional(PassiveHealthSchema),
}, { additionalProperties: false, description: 'Health checks of the targets; a target that fails them gets no traffic.' })

export const SlowStartSchema = Duration({
  description: 'A target added by a reload, or back from being down or ejected, ramps its share of ' +
    'traffic up linearly over this time (every balancer).',
})

export type HealthCheckConfig = Static<typeof HealthCheckSchema>
export type ActiveHealthConfig = Static<typeof ActiveHealthSchema>
export type PassiveHealthConfig = Static<typeof PassiveHealthSchema>
