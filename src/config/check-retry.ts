// Checks of an upstream's `retry` block that its schema cannot express.
import { tryParseDuration } from '../core/duration.js'
import type { RetryConfig } from './schema/upstream-retry.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'

export function checkRetry (retry: RetryConfig, at: ConfigPath, report: Report): void {
  const base = tryParseDuration(retry.backoff.base)
  const max = tryParseDuration(retry.backoff.max)
  if (base !== undefined && max !== undefined && base > max) {
    report([...at, 'backoff', 'base'], `must not exceed backoff.max (${JSON.stringify(retry.backoff.base)} > ${JSON.stringify(retry.backoff.max)})`)
  }
  // A try with no time to answer would fail every request.
  if (retry.perTryTimeout !== undefined && !((tryParseDuration(retry.perTryTimeout) ?? 0) >= 1)) {
    report([...at, 'perTryTimeout'], `must be at least 1ms (got ${JSON.stringify(retry.perTryTimeout)})`)
  }
}
