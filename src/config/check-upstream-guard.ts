// Rules of an upstream's circuitBreaker and limits blocks (issue 8) that the schema cannot express.
import { tryParseDuration } from '../core/duration.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'
import type { UpstreamConfig } from './schema/index.js'

export function checkUpstreamGuard (upstream: UpstreamConfig, at: ConfigPath, report: Report): void {
  const b = upstream.circuitBreaker
  if (b !== undefined) {
    // 0 would leave the breaker open for no time at all, and a window of 0 counts nothing.
    for (const key of ['openFor', 'window'] as const) {
      if (tryParseDuration(b[key]) === 0) report([...at, 'circuitBreaker', key], 'must be longer than 0')
    }
  }
  const adaptive = upstream.limits?.adaptive
  if (adaptive === undefined) return
  if (adaptive.min > adaptive.max) {
    report([...at, 'limits', 'adaptive', 'min'], `must not be above max (${adaptive.min} > ${adaptive.max})`)
  }
  const maxRequests = upstream.limits?.maxRequests
  if (maxRequests !== undefined && adaptive.min > maxRequests) {
    report([...at, 'limits', 'adaptive', 'min'], `must not be above maxRequests (${adaptive.min} > ${maxRequests})`)
  }
}
