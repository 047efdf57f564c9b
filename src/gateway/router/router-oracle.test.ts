// Randomized cross-check: the indexed router must agree with a naive scan written independently
// here (regex per route, linear search, its own ordering). The naive scan is the oracle.
// Requests arrive raw: the gateway normalises them (normalize-path.ts) and the oracle has its own
// normaliser, RFC 3986 §5.2.4 written out as the RFC's string loop. Paths the gateway forwards are
// also checked against WHATWG URL parsing, standing in for an upstream that resolves dot segments
// (with `%2e` as `.` and `\` as `/`): it must find nothing left to resolve.

import assert from 'node:assert/strict'
import type { IncomingHttpHeaders } from 'node:http'
import { describe, it } from 'node:test'
import { seededRandom as mulberry32 } from '../../../test/helpers/seeded-random.js'
import { InvalidPathError } from '../../errors.js'
import { normalizePath } from './normalize-path.js'
import { compileRewrite } from './rewrite.js'
import type { RewriteDef } from './rewrite.js'
import { compileRouter } from './router.js'
import type { RouteDef, RouteMatchDef, RouteRequest } from './types.js'

const SEGMENTS = ['users', 'orders', 'items', 'v1', 'v2', 'me', '']
/** Odd spellings a client may send: dot segments in every case, escapes, slashes in disguise. */
const ODD = ['.', '..', '%2e', '%2E%2e', '.%2e', '%2e.', '%252e%252e', 'a%2fb', '..%2F', '%5c..', '%7e', '%55sers',
  '..\\', 'a\\b', '%', '%zz', '...', '.x', 'x..']
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
    for (let i = 0; i < depth; i++) {
      parts.push(chance(0.1) ? pick(ODD) : chance(0.7) ? pick(SEGMENTS) : `id${Math.floor(rand() * 9)}%20x`)
    }
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

  /** A raw path built from odd segments: the normaliser's own generator. */
  function rawPath (): string {
    const seg = () => chance(0.5) ? pick(ODD) : pick(['api', 's', 'files', 'admin', 'x', ''])
    const parts = Array.from({ length: 1 + Math.floor(rand() * 5) }, seg)
    return '/' + parts.join('/')
  }

  return { route, request, rawPath }
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/** RFC 3986 §5.2.4 as the RFC writes it (input and output buffers), refusing to climb above `/`. */
function removeDotSegments (path: string): string | undefined {
  let input = path
  let output = ''
  while (input.length > 0) {
    if (input.startsWith('../')) input = input.slice(3)
    else if (input.startsWith('./')) input = input.slice(2)
    else if (input.startsWith('/./')) input = input.slice(2)
    else if (input === '/.') input = '/'
    else if (input.startsWith('/../') || input === '/..') {
      input = '/' + input.slice(input === '/..' ? 3 : 4)
      const cut = output.lastIndexOf('/')
      if (cut === -1) return undefined
      output = output.slice(0, cut)
    } else if (input === '.' || input === '..') input = ''
    else {
      const next = input.indexOf('/', 1)
      const seg = next === -1 ? input : input.slice(0, next)
      output += seg
      input = input.slice(seg.length)
    }
  }
  return output
}

/** The oracle's normaliser: the normal path, or undefined for a path the gateway must refuse. */
function naiveNormalize (raw: string): string | undefined {
  if (raw.includes('\\') || /%(?![0-9a-f]{2})/i.test(raw)) return undefined
  const decoded = raw.replace(/%([0-9a-f]{2})/gi, (_, h: string) => {
    const c = String.fromCharCode(parseInt(h, 16))
    return UNRESERVED.test(c) ? c : '%' + h.toUpperCase()
  })
  const isDot = (s: string) => s === '.' || s === '..'
  if (decoded.split('/').some((seg) => !isDot(seg) && seg.split(/%2F|%5C/).some(isDot))) return undefined
  return removeDotSegments(decoded)
}

const tryNormalize = (raw: string): string | undefined => {
  try {
    return normalizePath(raw)
  } catch (err) {
    assert.ok(err instanceof InvalidPathError, String(err))
    return undefined
  }
}

/**
 * What an upstream that resolves dot segments the WHATWG way makes of a path we forward (joined to
 * an origin as text, so a path starting `//` stays a path).
 */
const resolved = (path: string) => new URL('http://upstream.test' + path).pathname

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
        const raw = gen.request()
        const path = tryNormalize(raw.path)
        assert.equal(path, naiveNormalize(raw.path), raw.path)
        if (path === undefined) continue
        const req = { ...raw, path }
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

describe('paths are normalised before routing, and forwarded as routed', () => {
  interface Payload { rewrite: ((path: string) => string) | undefined }
  const def = (name: string, match: RouteMatchDef, rewrite?: RewriteDef): RouteDef<Payload> => {
    const payload = { rewrite: rewrite === undefined ? undefined : compileRewrite(rewrite, match) }
    return { name, match, priority: 0, payload }
  }
  const router = compileRouter([
    def('api', { path: '/api' }),
    def('s', { path: '/s' }, { stripPrefix: '/s' }),
    def('files', { pathExact: '/files/:name' }, { rewrite: { pattern: '^.*$', replacement: '/bucket/:name/meta' } }),
    def('rest', { path: '/' }),
  ])

  /** Route name and forwarded path, or `400` when the path is refused. */
  function gateway (rawPath: string): string {
    const path = tryNormalize(rawPath)
    if (path === undefined) return '400'
    const m = router.match({ method: 'GET', host: undefined, path, query: '', headers: {} })
    assert.ok(m)
    const fwd = m.route.payload.rewrite === undefined ? path : m.route.payload.rewrite(path)
    return `${m.route.name} ${fwd}`
  }

  // The cases of issue 6, item 1, each of which reached the upstream outside its route before.
  const cases: Array<[string, string]> = [
    ['/api/../admin', 'rest /admin'],
    ['/api/%2e%2e/admin', 'rest /admin'],
    ['/api/..\\admin', '400'],
    ['/s/../admin', 'rest /admin'],
    ['/files/%2e%2e', 'rest /'],
    ['/files/%252e%252e', 'files /bucket/%252e%252e/meta'],
    ['/api/./users', 'api /api/users'],
    ['/s/x/../y', 's /y'],
    ['/..', '400'],
    ['/api/..%2fadmin', '400'],
  ]
  for (const [raw, want] of cases) it(`${raw} → ${want}`, () => assert.equal(gateway(raw), want))

  for (const seed of [3, 11, 2026]) {
    it(`seed ${seed}: generated raw paths agree with the oracle and stay where they were routed`, () => {
      const gen = generator(mulberry32(seed))
      let accepted = 0
      for (let i = 0; i < 3000; i++) {
        const raw = gen.rawPath()
        const path = tryNormalize(raw)
        assert.equal(path, naiveNormalize(raw), raw)
        if (path === undefined) continue
        accepted++
        assert.equal(normalizePath(path), path, `not idempotent: ${raw}`)
        assert.equal(resolved(path), path, `an upstream would resolve ${raw} further`)
        const [name, fwd] = gateway(raw).split(' ') as [string, string]
        assert.equal(resolved(fwd), fwd, `an upstream would resolve the forwarded ${fwd} further`)
        if (name === 'api') assert.match(fwd, /^\/api(\/|$)/, raw)
        if (name === 'files') assert.match(fwd, /^\/bucket\/[^/]+\/meta$/, raw)
      }
      assert.ok(accepted > 500, `only ${accepted} accepted: the generator no longer exercises normalisation`)
    })
  }
})
