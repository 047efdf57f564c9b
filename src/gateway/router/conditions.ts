// The non-path conditions of a route (host, methods, headers, query), compiled once.

import type { IncomingHttpHeaders } from 'node:http'
import { MAX_REGEX_INPUT } from './regex-limit.js'
import type { RouteMatchDef } from './types.js'

export type ValueTest = (value: string) => boolean
type Tests = ReadonlyArray<readonly [string, ValueTest]>
export type HostPattern = { exact: string } | { suffix: string }

export interface Conditions {
  methods: ReadonlySet<string> | undefined
  headers: Tests | undefined
  query: Tests | undefined
}

/**
 * `/.../` is a regex (no flags: a value such as `/a/i` would be ambiguous); anything else is exact.
 * The regex is unanchored, as `RegExp.test` is (`/gold/` matches `golden`): write `^…$` to match the
 * whole value. It reads at most MAX_REGEX_INPUT characters; a longer value does not match.
 */
export function compileValueTest (spec: string): ValueTest {
  if (spec.length >= 2 && spec.startsWith('/') && spec.endsWith('/')) {
    const re = new RegExp(spec.slice(1, -1))
    return (value) => value.length <= MAX_REGEX_INPUT && re.test(value)
  }
  return (value) => value === spec
}

/** Lower-cased host without `:port` (IPv6 `[::1]:80` aware) and without a trailing dot. */
export function normalizeHost (host: string | undefined): string | undefined {
  if (host === undefined || host === '') return undefined
  let h = host
  if (h.charCodeAt(0) === 91) {
    const end = h.indexOf(']')
    if (end !== -1) h = h.slice(0, end + 1)
  } else {
    const colon = h.lastIndexOf(':')
    if (colon !== -1) h = h.slice(0, colon)
  }
  if (h.endsWith('.')) h = h.slice(0, -1)
  return h.toLowerCase()
}

export function parseHostPattern (pattern: string): HostPattern {
  const p = normalizeHost(pattern) ?? ''
  return p.startsWith('*.') ? { suffix: p.slice(2) } : { exact: p }
}

export function compileConditions (match: RouteMatchDef): Conditions {
  const compile = (rec: Readonly<Record<string, string>> | undefined, lower: boolean) => {
    const entries = Object.entries(rec ?? {})
    if (entries.length === 0) return undefined
    return entries.map(([k, v]) => [lower ? k.toLowerCase() : k, compileValueTest(v)] as const)
  }
  return {
    methods: match.methods?.length ? new Set(match.methods.map((m) => m.toUpperCase())) : undefined,
    headers: compile(match.headers, true),
    query: compile(match.query, false),
  }
}

/** A repeated header (an array in node) passes when any of its values does. */
export function headersHold (tests: Tests, headers: IncomingHttpHeaders): boolean {
  for (const [name, test] of tests) {
    const value = headers[name]
    if (value === undefined) return false
    if (typeof value === 'string' ? !test(value) : !value.some(test)) return false
  }
  return true
}

/** A repeated query param passes when any of its values does. */
export function queryHolds (tests: Tests, query: URLSearchParams): boolean {
  for (const [name, test] of tests) {
    if (!query.getAll(name).some(test)) return false
  }
  return true
}
