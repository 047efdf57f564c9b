// Route rules the schema cannot see inside a string: what a rewrite replacement refers to, and
// where a host wildcard may stand. Both fail silently at runtime otherwise: `$<nmae>` expands to
// nothing and `api.*.example.com` is compared literally, so the route quietly never matches.
import type { RouteConfig } from './schema/index.js'
import { didYouMean } from './hint.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'

/** Group names and count of a regex source that compiles (check.ts has already compiled it). */
function groupsOf (source: string): { names: string[], count: number } {
  // An always-matching alternative reports every group, including the optional ones.
  const m = new RegExp(`(?:${source})|`).exec('')!
  return { names: Object.keys(m.groups ?? {}), count: m.length - 1 }
}

// As String.prototype.replace reads them: `$$`, `$&`, `` $` ``, `$'`, `$<name>`, `$n`, `$nn`.
const SUBSTITUTION = /\$(?:[$&`']|<([^>]*)>|(\d\d?))/g

export function checkRewriteReplacement (rewrite: NonNullable<RouteConfig['rewrite']>, at: ConfigPath, report: Report): void {
  let groups: { names: string[], count: number }
  try {
    groups = groupsOf(rewrite.pattern)
  } catch {
    return // an invalid pattern is reported on its own
  }
  for (const m of rewrite.replacement.matchAll(SUBSTITUTION)) {
    const [whole, name, digits] = m
    if (name !== undefined && !groups.names.includes(name)) {
      const known = groups.names.length === 0 ? 'the pattern has no named groups' : `its named groups: ${groups.names.join(', ')}`
      report(at, `${whole} names no group of rewrite.pattern${didYouMean(name, groups.names)} (${known})`)
    } else if (digits !== undefined) {
      // Two digits are one reference only when that group exists, as in String.prototype.replace.
      const n = Number(digits) <= groups.count ? Number(digits) : Number(digits[0])
      if (n > groups.count) {
        report(at, `$${n} refers to group ${n}, but rewrite.pattern has ${groups.count} capture group${groups.count === 1 ? '' : 's'}`)
      }
    }
  }
}

export function checkHostPatterns (host: string | readonly string[], at: ConfigPath, report: Report): void {
  const hosts = typeof host === 'string' ? [host] : host
  hosts.forEach((h, i) => {
    if (!h.includes('*')) return
    const where = typeof host === 'string' ? at : [...at, i]
    if (h === '*') report(where, '"*" matches no host: leave match.host out to match every host')
    else if (!h.startsWith('*.') || h.indexOf('*', 1) !== -1) {
      report(where, `${JSON.stringify(h)}: a wildcard must be the whole first label, like "*.example.com"`)
    }
  })
}
