import assert from 'node:assert/strict'
import type { IncomingHttpHeaders } from 'node:http'
import { describe, it } from 'node:test'
import { compileRouter } from './router.js'
import type { RouteDef, RouteMatchDef, RouteRequest } from './types.js'

const r = (name: string, match: RouteMatchDef, priority = 0): RouteDef<string> =>
  ({ name, match, priority, payload: `payload:${name}` })

interface Req {
  method?: string
  host?: string
  headers?: IncomingHttpHeaders
}

function request (target: string, opts: Req = {}): RouteRequest {
  const q = target.indexOf('?')
  return {
    method: opts.method ?? 'GET',
    host: opts.host,
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? '' : target.slice(q + 1),
    headers: opts.headers ?? {},
  }
}

interface Case {
  desc: string
  routes: Array<RouteDef<string>>
  target: string
  req?: Req
  /** Route name expected to win, or undefined for no match. */
  want: string | undefined
  params?: Record<string, string>
}

const users = [r('users', { path: '/api/users' })]
const exact = [r('health', { pathExact: '/api/health' })]
const userId = [r('user', { pathExact: '/users/:id' })]
const regex = [r('versioned', { pathRegex: '^/v(?<version>[0-9]+)/items(?:/(?<id>[^/]+))?' })]
const hostExact = [r('h', { host: 'api.example.com' })]
const hostWild = [r('w', { host: '*.example.com' })]
const methods = [r('m', { path: '/x', methods: ['GET', 'POST'] })]
const headers = [r('hdr', { headers: { 'X-Beta': 'true', 'x-client': '/^app-[0-9]+$/' } })]
const query = [r('q', { query: { version: 'v2', q: '/^a b$/' } })]
const multi = [
  r('all', { path: '/api', host: 'api.example.com', methods: ['POST'], headers: { 'x-k': '1' }, query: { a: '1' } }),
  r('fallback', { path: '/' }),
]

const cases: Case[] = [
  { desc: 'prefix matches itself', routes: users, target: '/api/users', want: 'users' },
  { desc: 'prefix matches with trailing slash', routes: users, target: '/api/users/', want: 'users' },
  { desc: 'prefix matches deeper segments', routes: users, target: '/api/users/7?x=1', want: 'users', params: {} },
  { desc: 'prefix stops at segment boundary', routes: users, target: '/api/usersX', want: undefined },
  { desc: 'prefix longer than path', routes: users, target: '/api', want: undefined },
  { desc: 'prefix compares raw, not decoded', routes: users, target: '/api/us%65rs', want: undefined },
  { desc: 'prefix with trailing slash in def', routes: [r('a', { path: '/api/' })], target: '/api', want: 'a' },
  { desc: '/ matches everything', routes: [r('all', { path: '/' })], target: '/a/b/c', want: 'all' },
  { desc: 'no path condition matches everything', routes: [r('all', { methods: ['GET'] })], target: '/z', want: 'all' },
  { desc: 'exact equals', routes: exact, target: '/api/health', want: 'health' },
  { desc: 'exact rejects trailing slash', routes: exact, target: '/api/health/', want: undefined },
  { desc: 'exact rejects deeper path', routes: exact, target: '/api/health/x', want: undefined },
  { desc: 'exact / only matches /', routes: [r('root', { pathExact: '/' })], target: '/x', want: undefined },
  { desc: 'exact / matches /', routes: [r('root', { pathExact: '/' })], target: '/', want: 'root' },
  { desc: 'exact with param', routes: userId, target: '/users/42', want: 'user', params: { id: '42' } },
  { desc: 'param never matches an empty segment', routes: userId, target: '/users/', want: undefined },
  { desc: 'param decodes', routes: userId, target: '/users/caf%C3%A9', want: 'user', params: { id: 'café' } },
  { desc: 'param with %2F stays raw', routes: userId, target: '/users/a%2fb', want: 'user', params: { id: 'a%2fb' } },
  { desc: 'malformed escape stays raw', routes: userId, target: '/users/%E0%A4%A', want: 'user', params: { id: '%E0%A4%A' } },
  {
    desc: 'prefix with params',
    routes: [r('posts', { path: '/users/:uid/posts/:pid' })],
    target: '/users/9/posts/3/comments',
    want: 'posts',
    params: { uid: '9', pid: '3' },
  },
  { desc: 'regex named groups', routes: regex, target: '/v2/items/a%20b', want: 'versioned', params: { version: '2', id: 'a b' } },
  { desc: 'regex unmatched optional group omitted', routes: regex, target: '/v3/items', want: 'versioned', params: { version: '3' } },
  { desc: 'regex miss', routes: regex, target: '/vx/items', want: undefined },
  { desc: 'host exact, case and port ignored', routes: hostExact, target: '/', req: { host: 'API.Example.com:8443' }, want: 'h' },
  { desc: 'host exact other host', routes: hostExact, target: '/', req: { host: 'www.example.com' }, want: undefined },
  { desc: 'host required but absent', routes: hostExact, target: '/', want: undefined },
  { desc: 'host wildcard one label', routes: hostWild, target: '/', req: { host: 'a.example.com' }, want: 'w' },
  { desc: 'host wildcard two labels', routes: hostWild, target: '/', req: { host: 'a.b.example.com:80' }, want: 'w' },
  { desc: 'host wildcard not apex', routes: hostWild, target: '/', req: { host: 'example.com' }, want: undefined },
  { desc: 'host wildcard not a suffix string', routes: hostWild, target: '/', req: { host: 'badexample.com' }, want: undefined },
  { desc: 'host wildcard empty label', routes: hostWild, target: '/', req: { host: '.example.com' }, want: undefined },
  { desc: 'host list', routes: [r('l', { host: ['a.test', 'b.test'] })], target: '/', req: { host: 'b.test' }, want: 'l' },
  { desc: 'host IPv6 with port', routes: [r('v6', { host: '[::1]' })], target: '/', req: { host: '[::1]:8080' }, want: 'v6' },
  { desc: 'method allowed', routes: methods, target: '/x', req: { method: 'POST' }, want: 'm' },
  { desc: 'method not allowed', routes: methods, target: '/x', req: { method: 'DELETE' }, want: undefined },
  { desc: 'headers exact + regex', routes: headers, target: '/', req: { headers: { 'x-beta': 'true', 'x-client': 'app-12' } }, want: 'hdr' },
  { desc: 'header exact is case-sensitive on value', routes: headers, target: '/', req: { headers: { 'x-beta': 'TRUE', 'x-client': 'app-1' } }, want: undefined },
  { desc: 'header regex fails', routes: headers, target: '/', req: { headers: { 'x-beta': 'true', 'x-client': 'web-1' } }, want: undefined },
  { desc: 'header missing', routes: headers, target: '/', req: { headers: { 'x-client': 'app-1' } }, want: undefined },
  { desc: 'repeated header, any value', routes: headers, target: '/', req: { headers: { 'x-beta': 'true', 'x-client': ['web', 'app-3'] } }, want: 'hdr' },
  { desc: 'query exact + regex on decoded values', routes: query, target: '/?q=a%20b&version=v2', want: 'q' },
  { desc: 'query + is a space', routes: query, target: '/?version=v2&q=a+b', want: 'q' },
  { desc: 'query value differs', routes: query, target: '/?version=v3&q=a+b', want: undefined },
  { desc: 'query param missing', routes: query, target: '/?version=v2', want: undefined },
  { desc: 'repeated query param, any value', routes: query, target: '/?version=v1&version=v2&q=a+b', want: 'q' },
  {
    desc: 'all conditions hold',
    routes: multi,
    target: '/api/x?a=1',
    req: { method: 'POST', host: 'api.example.com', headers: { 'x-k': '1' } },
    want: 'all',
  },
  {
    desc: 'one condition fails, next route wins',
    routes: multi,
    target: '/api/x?a=2',
    req: { method: 'POST', host: 'api.example.com', headers: { 'x-k': '1' } },
    want: 'fallback',
  },
  {
    desc: 'priority beats specificity',
    routes: [r('specific', { pathExact: '/api/users' }), r('broad', { path: '/api' }, 10)],
    target: '/api/users',
    want: 'broad',
  },
  {
    desc: 'longer literal prefix beats file order',
    routes: [r('short', { path: '/api' }), r('long', { path: '/api/users' })],
    target: '/api/users/1',
    want: 'long',
  },
  {
    desc: 'exact beats prefix',
    routes: [r('prefix', { path: '/api/health' }), r('exact', { pathExact: '/api/health' })],
    target: '/api/health',
    want: 'exact',
  },
  {
    desc: 'literal segment beats param',
    routes: [r('param', { path: '/users/:id' }), r('me', { path: '/users/me' })],
    target: '/users/me',
    want: 'me',
  },
  {
    desc: 'a deeper prefix beats a shallower one with the same literal prefix',
    routes: [r('short', { path: '/users' }), r('deep', { path: '/users/:id' })],
    target: '/users/5/x',
    want: 'deep',
    params: { id: '5' },
  },
  {
    desc: 'a later literal segment beats a param there',
    routes: [r('params', { path: '/a/:x/:y' }), r('literal', { path: '/a/:x/b' })],
    target: '/a/1/b',
    want: 'literal',
    params: { x: '1' },
  },
  {
    desc: 'literal prefix beats regex',
    routes: [r('re', { pathRegex: '^/api' }), r('lit', { path: '/api' })],
    target: '/api/x',
    want: 'lit',
  },
  {
    desc: 'regex beats catch-all',
    routes: [r('all', { path: '/' }), r('re', { pathRegex: '^/v1/' })],
    target: '/v1/x',
    want: 're',
  },
  {
    desc: 'more conditions beat fewer',
    routes: [r('plain', { path: '/api' }), r('get', { path: '/api', methods: ['GET'] })],
    target: '/api',
    want: 'get',
  },
  {
    desc: 'file order is the last tie-break',
    routes: [r('first', { path: '/api' }), r('second', { path: '/api' })],
    target: '/api',
    want: 'first',
  },
  {
    desc: 'host and any-host routes merge by order (any-host more specific)',
    routes: [r('host', { path: '/api', host: 'api.test' }), r('any', { path: '/api/users' })],
    target: '/api/users',
    req: { host: 'api.test' },
    want: 'any',
  },
  {
    desc: 'host and any-host routes merge by order (host route more specific)',
    routes: [r('any', { path: '/api' }), r('host', { path: '/api', host: 'api.test' })],
    target: '/api/users',
    req: { host: 'api.test' },
    want: 'host',
  },
  {
    desc: 'exact host beats wildcard host',
    routes: [r('wild', { path: '/', host: '*.test' }), r('exact', { path: '/', host: 'a.test' })],
    target: '/',
    req: { host: 'a.test' },
    want: 'exact',
  },
  { desc: 'no routes', routes: [], target: '/', want: undefined },
]

describe('compileRouter', () => {
  for (const c of cases) {
    it(c.desc, () => {
      const found = compileRouter(c.routes).match(request(c.target, c.req))
      assert.equal(found?.route.name, c.want)
      if (c.want !== undefined) assert.equal(found?.route.payload, `payload:${c.want}`)
      if (c.params !== undefined) assert.deepEqual(found?.params, c.params)
    })
  }

  it('throws on an invalid pathRegex', () => {
    assert.throws(() => compileRouter([r('bad', { pathRegex: '(' })]), SyntaxError)
  })
})

describe('allowedMethods (asked after a miss: 405 or 404)', () => {
  const routes = [
    r('read', { path: '/api/orders', methods: ['GET', 'HEAD'] }),
    r('write', { path: '/api/orders', methods: ['POST'], headers: { 'x-beta': 'true' } }),
    r('create', { pathExact: '/api/orders/new', methods: ['PUT'] }),
    r('admin', { path: '/admin', methods: ['GET'], host: 'admin.test' }),
  ]
  const router = compileRouter(routes)
  const cases = [
    { desc: 'the methods of every route that matches all else, sorted', target: '/api/orders/1', req: { method: 'DELETE', headers: { 'x-beta': 'true' } }, want: ['GET', 'HEAD', 'POST'] },
    { desc: 'a route whose other conditions fail does not count', target: '/api/orders/1', req: { method: 'DELETE' }, want: ['GET', 'HEAD'] },
    { desc: 'no route for the path is a plain miss', target: '/nope', req: { method: 'DELETE' }, want: undefined },
    { desc: 'the host still has to match', target: '/admin', req: { method: 'POST', host: 'other.test' }, want: undefined },
    { desc: 'with the right host', target: '/admin', req: { method: 'POST', host: 'admin.test' }, want: ['GET'] },
  ]
  for (const c of cases) {
    it(c.desc, () => {
      const req = request(c.target, c.req)
      assert.equal(router.match(req), undefined)
      assert.deepEqual(router.allowedMethods(req), c.want)
    })
  }
})

describe('ordered (the admin API lists routes as match tries them)', () => {
  it('priority first, then specificity, then file order', () => {
    const router = compileRouter([
      r('catch-all', { path: '/' }),
      r('api', { path: '/api' }),
      r('exact', { pathExact: '/api/health' }),
      r('urgent', { path: '/' }, 10),
      r('api-too', { path: '/api' }),
    ])
    assert.deepEqual(router.ordered.map(d => d.name), ['urgent', 'exact', 'api', 'api-too', 'catch-all'])
  })
})
