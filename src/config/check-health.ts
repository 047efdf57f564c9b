// Health-check settings the schema cannot express: a status range that runs backwards, a probe
// timeout past its interval, zero durations that would turn a timer into a busy loop.
import { tryParseDuration } from '../core/duration.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'
import type { UpstreamConfig } from './schema/index.js'

export function checkHealth (upstream: UpstreamConfig, at: ConfigPath, report: Report): void {
  const active = upstream.healthCheck?.active
  if (active !== undefined) {
    const where = [...at, 'healthCheck', 'active']
    const [lo, hi] = active.expectStatus.split('-').map(Number)
    if (hi !== undefined && hi < lo!) {
      report([...where, 'expectStatus'], `range ${JSON.stringify(active.expectStatus)} runs backwards (write the lower status first)`)
    }
    const interval = tryParseDuration(active.interval) ?? 0
    const timeout = tryParseDuration(active.timeout) ?? 0
    if (interval < 1) report([...where, 'interval'], 'must be at least 1ms')
    if (timeout < 1) report([...where, 'timeout'], 'must be at least 1ms')
    else if (interval >= 1 && timeout > interval) {
      report([...where, 'timeout'], `must not exceed interval (${JSON.stringify(active.interval)}): a probe ends before the next one starts`)
    }
  }
  const passive = upstream.healthCheck?.passive
  if (passive !== undefined && (tryParseDuration(passive.ejectFor) ?? 0) < 1) {
    report([...at, 'healthCheck', 'passive', 'ejectFor'], 'must be at least 1ms')
  }
}
