// Randomized cross-check: the indexed router must agree with a naive scan written independently
// here (regex per route, linear search, its own ordering). The naive scan is the oracle.

import assert from 'node:assert/strict'
import type { IncomingHttpHeaders } from 'node:http'
import { describe, it } from 'node:test'
import { seededRandom as mulberry32 } from '../../../test/helpers/seeded-random.js'
import { compileRouter } from './router.js'
import type { RouteDef, RouteMatchDef, RouteRequest } from './types.js'

const SEGMENTS = ['users', 'orders', 'items', 'v1', 'v2', 'me', '']
const HOSTS = ['a.test', 'b.test', 'x.a.test', 'y.x.a.test', 'other.io']
const HOST_PATTERNS = ['a.test', 'b.test', '*.a.test', '*.test', 'x.a.test', 'other.io']

function generator (rand: () => number) {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rand() * xs.length)] as X
  const chance = (p: number) => rand() < p
  const svc = () => `svc${Math.floor(rand() * 150)}`

  function pattern (): string {
    const parts = [svc()]
    const depth = Math.floor(rand() * 3)
    for (let i = 0; i < depth; i++) parts.push(chance(0.35) ? `:p${i}` : pick(SEGMENTS.slice(0, -1)))
    return '/' + parts.join('/')
  }

  function route (i: number): RouteDef<number> {
    const match: RouteMatchDef = {}
    const kind = rand()
    if (kind < 0.55) match.path = pattern()
    else if (kind < 0.85) match.pathExact = pattern()
    else if (kind < 0.88) match.pathRegex = `^/${svc()}/(?<rest>[a-z]+)`
    else if (kind < 0.9) match.path = '/'
    // A route matching every path would win nearly every request and hide the index, so such
    // routes always carry a host.
    const catchAll = kind >= 0.88
    if (catchAll || chance(0.15)) {
      match.host = chance(0.8) ? pick(HOST_PATTERNS) : [pick(HOST_PATTERNS), pick(HOST_PATTERNS)]
    }
    if (chance(0.2)) match.methods = chance(0.5) ? ['GET'] : ['POST', 'PUT']
    if (chance(0.1)) match.headers = { 'x-tier': chance(0.5) ? 'gold' : '/^(gold|silver)$/' }
    if (chance(0.1)) match.query = { v: chance(0.5) ? '2' : '/^[12]$/' }
    const priority = !catchAll && chance(0.03) ? pick([-1, 1, 2]) : 0
    return { name: `r${i}`, match, priority, payload: i }
  }

  function request (): RouteRequest {
    const parts = [svc()]
    const depth = Math.floor(rand() * 4)
    for (let i = 0; i < depth; i++) parts.push(chance(0.7) ? pick(SEGMENTS) : `id${Math.floor(rand() * 9)}%20x`)
    const headers: IncomingHttpHeaders = {}
    if (chance(0.3)) headers['x-tier'] = pick(['gold', 'silver', 'bronze'])
    return {
      method: pick(['GET', 'POST', 'PUT', 'DELETE']),
      host: chance(0.7) ? pick(HOSTS) + (chance(0.3) ? ':8080' : '') : undefined,
      path: '/' + parts.join('/'),
      query: chance(0.3) ? `v=${pick(['1', '2', '3'])}` : '',
      headers,
    }
  }

  return { route, request }
}

interface NaiveRoute {
  def: RouteDef<number>
  index: number
  re: RegExp
  names: string[]
  key: number[]
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function naiveRoute (def: RouteDef<number>, index: number): NaiveRoute {
  const m = def.match
  const names: string[] = []
  let re = /.*/
  let key = [1, 0, 0, 0]
  const raw = m.pathExact ?? m.path
  if (m.pathRegex !== undefined) {
    re = new RegExp(m.pathRegex)
    key = [2, 0, 0, 0]
  } else if (raw !== undefined && raw !== '/') {
    const segs = raw.slice(1).split('/')
    const body = segs.map((s) => s.startsWith(':') ? (names.push(s.slice(1)), '([^/]+)') : escape(s)).join('/')
    re = new RegExp(`^/${body}${m.pathExact !== undefined ? '' : '(?:/.*)?'}$`)
    const firstParam = segs.findIndex((s) => s.startsWith(':'))
    const literalPrefix = firstParam === -1 ? segs.length : firstParam
    const rank = m.pathExact !== undefined ? 4 : literalPrefix > 0 ? 3 : 2
    const chars = segs.filter((s) => !s.startsWith(':')).join('').length
    key = [rank, literalPrefix, segs.length, chars]
  }
  const hosts = m.host === undefined ? [] : [m.host].flat()
  const conditions = (hosts.length ? 1 : 0) + (m.methods ? 1 : 0) +
    Object.keys(m.headers ?? {}).length + Object.keys(m.query ?? {}).length
  const hostRank = hosts.length === 0 ? 0 : hosts.some((h) => !h.startsWith('*')) ? 2 : 1
  return { def, index, re, names, key: [def.priority, ...key, conditions, hostRank, -index] }
}

const decode = (s: string) => {
  if (/%2f/i.test(s)) return s
  try { return decodeURIComponent(s) } catch { return s }
}

const valueOk = (spec: string, v: string) => spec.length > 1 && spec.startsWith('/') && spec.endsWith('/')
  ? new RegExp(spec.slice(1, -1)).test(v)
  : spec === v

function naiveMatch (route: NaiveRoute, req: RouteRequest, q: URLSearchParams): Record<string, string> | undefined {
  const m = route.def.match
  const found = route.re.exec(req.path)
  if (found === null) return undefined
  if (m.host !== undefined) {
    const host = req.host?.split(':')[0]?.toLowerCase()
    const ok = host !== undefined && [m.host].flat().some((p) => p.startsWith('*.')
      ? host.endsWith(p.slice(1)) && host.length > p.length - 1
      : host === p)
    if (!ok) return undefined
  }
  if (m.methods !== undefined && !m.methods.includes(req.method)) return undefined
  for (const [name, spec] of Object.entries(m.headers ?? {})) {
    const v = req.headers[name]
    if (typeof v !== 'string' || !valueOk(spec, v)) return undefined
  }
  for (const [name, spec] of Object.entries(m.query ?? {})) {
    if (!q.getAll(name).some((v) => valueOk(spec, v))) return undefined
  }
  const params: Record<string, string> = {}
  route.names.forEach((name, i) => { params[name] = decode(found[i + 1] as string) })
  for (const [k, v] of Object.entries(found.groups ?? {})) if (v !== undefined) params[k] = decode(v)
  return params
}

function better (a: NaiveRoute, b: NaiveRoute): boolean {
  for (let i = 0; i < a.key.length; i++) {
    if (a.key[i] !== b.key[i]) return (a.key[i] as number) > (b.key[i] as number)
  }
  return false
}

function naiveFind (routes: NaiveRoute[], req: RouteRequest) {
  let best: { route: NaiveRoute, params: Record<string, string> } | undefined
  const q = new URLSearchParams(req.query)
  for (const route of routes) {
    if (best !== undefined && !better(route, best.route)) continue
    const params = naiveMatch(route, req, q)
    if (params !== undefined) best = { route, params }
  }
  return best
}

describe('router agrees with a naive scan', () => {
  for (const [seed, count, requests] of [[1, 5000, 1500], [7, 300, 1500], [42, 40, 1500]] as const) {
    it(`seed ${seed}: ${count} routes, ${requests} random requests`, () => {
      const gen = generator(mulberry32(seed))
      const defs = Array.from({ length: count }, (_, i) => gen.route(i))
      const naive = defs.map(naiveRoute)
      const router = compileRouter(defs)
      let hits = 0
      for (let i = 0; i < requests; i++) {
        const req = gen.request()
        const want = naiveFind(naive, req)
        const got = router.match(req)
        const label = `${req.method} ${req.host} ${req.path}?${req.query} ${JSON.stringify(req.headers)}`
        assert.equal(got?.route.name, want?.route.def.name, label)
        if (want !== undefined) {
          hits++
          assert.deepEqual(got?.params, want.params, label)
        }
      }
      assert.ok(hits > requests / 4, `only ${hits} hits: the generator no longer exercises matching`)
    })
  }
})
