// Cross-field rules of the dispatcher's options that the schema cannot express. Runs on a
// schema-valid, defaulted value, for the suppliers file and for createDispatcher alike.
import { tryParseDuration, tryParseSize } from '../core/duration.js'
import type { Report } from './load-yaml.js'
import type { DispatcherConfig } from './schema/dispatcher.js'

export function checkDispatcherConfig (config: DispatcherConfig, report: Report): void {
  for (const [name, s] of Object.entries(config.suppliers)) {
    const at = ['suppliers', name]
    if (!URL.canParse(s.baseUrl)) report([...at, 'baseUrl'], `not a URL: ${s.baseUrl}`)
    // 0 (or a size that rounds to it) would fail every answer that has a body.
    const maxBytes = tryParseSize(s.maxResponseSize)
    if (maxBytes !== undefined && maxBytes < 1) report([...at, 'maxResponseSize'], 'must be at least 1 byte')
    const r = s.rateLimit
    if (r === undefined) continue
    if (r.rps !== undefined && r.rate !== undefined) report([...at, 'rateLimit'], 'give either rps, or rate and per, not both')
    else if (r.rps === undefined && r.rate === undefined) report([...at, 'rateLimit'], 'give rps, or rate and per')
    else if (r.rate !== undefined && tryParseDuration(r.per) === 0) report([...at, 'rateLimit', 'per'], 'must be longer than 0')
  }
}
