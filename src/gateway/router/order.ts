// The one total order over routes: priority, then specificity, then file order.

import type { PathPattern } from './path.js'
import type { RouteMatchDef } from './types.js'

/**
 * Path ranks, most specific first:
 *   4  pathExact
 *   3  prefix starting with at least one literal segment (`/api`, `/api/:id`)
 *   2  prefix starting with a param (`/:tenant/x`), or pathRegex (opaque, so ranked with params)
 *   1  matches every path (`path: /`, or no path condition at all)
 * A catch-all sits below regexes on purpose: otherwise a `path: /` fallback would shadow every
 * regex route of the same priority.
 */
export interface Specificity {
  pathRank: number
  /** Literal segments before the first param. */
  literalPrefix: number
  segments: number
  literalChars: number
  /** One per host/methods condition, one per header and per query param. */
  conditions: number
  /** 2 for an exact host, 1 for a wildcard, 0 for none. */
  hostRank: number
}

export function specificity (match: RouteMatchDef, pattern: PathPattern | undefined): Specificity {
  const hosts = match.host === undefined ? [] : typeof match.host === 'string' ? [match.host] : match.host
  const conditions = (hosts.length > 0 ? 1 : 0) + (match.methods?.length ? 1 : 0) +
    Object.keys(match.headers ?? {}).length + Object.keys(match.query ?? {}).length
  const hostRank = hosts.length === 0 ? 0 : hosts.some((h) => !h.startsWith('*.')) ? 2 : 1
  const base = { conditions, hostRank, literalPrefix: 0, segments: 0, literalChars: 0 }
  if (match.pathRegex !== undefined) return { pathRank: 2, ...base }
  if (pattern === undefined || pattern.segments.length === 0) return { pathRank: 1, ...base }
  const firstParam = pattern.segments.indexOf(undefined)
  const literalPrefix = firstParam === -1 ? pattern.segments.length : firstParam
  const literalChars = pattern.segments.reduce((n, s) => n + (s?.length ?? 0), 0)
  const pathRank = match.pathExact !== undefined ? 4 : literalPrefix > 0 ? 3 : 2
  return { ...base, pathRank, literalPrefix, segments: pattern.segments.length, literalChars }
}

export interface Rankable {
  priority: number
  spec: Specificity
  index: number
}

/** Negative when `a` must be tried before `b`; never 0 for two distinct routes. */
export function compareRoutes (a: Rankable, b: Rankable): number {
  return (b.priority - a.priority) ||
    (b.spec.pathRank - a.spec.pathRank) ||
    (b.spec.literalPrefix - a.spec.literalPrefix) ||
    (b.spec.segments - a.spec.segments) ||
    (b.spec.literalChars - a.spec.literalChars) ||
    (b.spec.conditions - a.spec.conditions) ||
    (b.spec.hostRank - a.spec.hostRank) ||
    (a.index - b.index)
}
