// A bare number in a duration is milliseconds, but people who write `timeout: 30` usually mean
// seconds: the gateway would then give up after 30 ms. A warning, not an error, since a few
// milliseconds can be meant (tests, a fast local upstream); writing the unit silences it.
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'

const SUSPECT_BELOW = 1000

/** A key under a `timeouts` mapping, or one named like `drainTimeout`. */
const isTimeoutKey = (key: string | number, parent: string | number | undefined): boolean =>
  parent === 'timeouts' || (typeof key === 'string' && /timeout$/i.test(key))

export function warnBareTimeouts (value: unknown, warn: Report, path: ConfigPath = []): void {
  if (typeof value !== 'object' || value === null) return
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key]
    const isNumber = typeof child === 'number' && Number.isInteger(child)
    if (isNumber && child > 0 && child < SUSPECT_BELOW && isTimeoutKey(key, path[path.length - 1])) {
      warn(at, `${child} is read as ${child}ms; write ${child}s if seconds were meant, or "${child}ms" to keep it and silence this warning`)
    } else {
      warnBareTimeouts(child, warn, at)
    }
  }
}
