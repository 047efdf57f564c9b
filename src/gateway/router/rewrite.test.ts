import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileRewrite, rewriteTarget } from './rewrite.js'
import type { RewriteDef } from './rewrite.js'
import type { RouteMatchDef } from './types.js'

interface Case {
  desc: string
  def: RewriteDef
  /** A normalised path, as the gateway hands it over. */
  path: string
  match?: RouteMatchDef
  want: string
}

const cases: Case[] = [
  { desc: 'strip below the prefix', def: { stripPrefix: '/api' }, path: '/api/users', want: '/users' },
  { desc: 'strip the whole path', def: { stripPrefix: '/api' }, path: '/api', want: '/' },
  { desc: 'strip with trailing slash on path', def: { stripPrefix: '/api' }, path: '/api/', want: '/' },
  { desc: 'strip with trailing slash in def', def: { stripPrefix: '/api/' }, path: '/api/users', want: '/users' },
  { desc: 'strip only on a segment boundary', def: { stripPrefix: '/api' }, path: '/apix/users', want: '/apix/users' },
  { desc: 'strip leaves other paths alone', def: { stripPrefix: '/api' }, path: '/other', want: '/other' },
  { desc: 'strip multi-segment prefix', def: { stripPrefix: '/api/v1' }, path: '/api/v1/a/b', want: '/a/b' },
  { desc: 'strip with a param segment', def: { stripPrefix: '/t/:tenant' }, path: '/t/acme/x', want: '/x' },
  { desc: 'strip param needs a non-empty segment', def: { stripPrefix: '/t/:tenant' }, path: '/t//x', want: '/t//x' },
  { desc: 'strip param prefix longer than path', def: { stripPrefix: '/t/:tenant' }, path: '/t', want: '/t' },
  {
    desc: 'numbered capture',
    def: { rewrite: { pattern: '^/users/(.*)$', replacement: '/v2/users/$1' } },
    path: '/users/7/posts',
    want: '/v2/users/7/posts',
  },
  {
    desc: 'named capture',
    def: { rewrite: { pattern: '^/items/(?<id>[0-9]+)$', replacement: '/catalog/$<id>' } },
    path: '/items/42',
    want: '/catalog/42',
  },
  {
    desc: 'no regex match leaves the path',
    def: { rewrite: { pattern: '^/users/(.*)$', replacement: '/v2/$1' } },
    path: '/orders/1',
    want: '/orders/1',
  },
  {
    desc: 'strip then rewrite',
    def: { stripPrefix: '/api', rewrite: { pattern: '^/users/(.*)$', replacement: '/v2/users/$1' } },
    path: '/api/users/7',
    want: '/v2/users/7',
  },
  {
    desc: ':param from the match expands',
    def: { rewrite: { pattern: '^.*$', replacement: '/accounts/:id/profile' } },
    match: { path: '/u/:id' },
    path: '/u/7',
    want: '/accounts/7/profile',
  },
  {
    desc: ':param keeps the client\'s escapes, neither decoded nor encoded again',
    def: { rewrite: { pattern: '^.*$', replacement: '/q/:term' } },
    match: { pathExact: '/s/:term' },
    path: '/s/a%20b%2Fc%3Fd%23%C3%A9!',
    want: '/q/a%20b%2Fc%3Fd%23%C3%A9!',
  },
  {
    desc: ':param holding an escaped escape is not decoded twice',
    def: { rewrite: { pattern: '^.*$', replacement: '/bucket/:name/meta' } },
    match: { pathExact: '/files/:name' },
    path: '/files/%252e%252e',
    want: '/bucket/%252e%252e/meta',
  },
  {
    desc: 'a regex group spanning segments is one segment when inserted',
    def: { rewrite: { pattern: '^.*$', replacement: '/x/:rest' } },
    match: { pathRegex: '^/r/(?<rest>.*)$' },
    path: '/r/a/b',
    want: '/x/a%2Fb',
  },
  {
    desc: 'a param is read from the path before stripPrefix',
    def: { stripPrefix: '/t/:tenant', rewrite: { pattern: '^/(.*)$', replacement: '/:tenant/$1' } },
    match: { path: '/t/:tenant' },
    path: '/t/acme/orders',
    want: '/acme/orders',
  },
  {
    desc: ':param holding $ is literal, not a capture reference',
    def: { rewrite: { pattern: '^/p/[^/]*/(.*)$', replacement: '/x/:v/$1' } },
    match: { path: '/p/:v' },
    path: '/p/$1/tail',
    want: '/x/$1/tail',
  },
  {
    desc: 'unknown :name stays literal',
    def: { rewrite: { pattern: '^/(.*)$', replacement: '/v1/$1:batch' } },
    path: '/jobs',
    want: '/v1/jobs:batch',
  },
  {
    desc: 'result always starts with /',
    def: { rewrite: { pattern: '^/svc/', replacement: '' } },
    path: '/svc/users',
    want: '/users',
  },
  {
    desc: 'empty result becomes /',
    def: { rewrite: { pattern: '^.*$', replacement: '' } },
    path: '/anything',
    want: '/',
  },
]

describe('compileRewrite', () => {
  for (const c of cases) {
    it(c.desc, () => {
      const rewrite = compileRewrite(c.def, c.match)
      assert.ok(rewrite)
      assert.equal(rewrite(c.path), c.want)
    })
  }

  it('refuses a rewrite that would assemble a dot segment from a capture', () => {
    const rewrite = compileRewrite({ rewrite: { pattern: '^/d/(.)x/(.)y$', replacement: '/a/$1$2/b' } })
    assert.ok(rewrite)
    assert.equal(rewrite('/d/ex/zy'), '/a/ez/b')
    assert.throws(() => rewrite('/d/.x/.y'), { code: 'SLC_INVALID_PATH', status: 400 })
  })

  it('returns undefined when there is nothing to do', () => {
    assert.equal(compileRewrite({}), undefined)
    assert.equal(compileRewrite({ stripPrefix: '/' }), undefined)
  })

  it('keeps the query string untouched', () => {
    const rewrite = compileRewrite({ stripPrefix: '/api', rewrite: { pattern: '^/u/(.*)$', replacement: '/users/$1' } })
    assert.ok(rewrite)
    assert.equal(rewriteTarget(rewrite, '/api/u/7?x=/api/u/1&y=%20'), '/users/7?x=/api/u/1&y=%20')
    assert.equal(rewriteTarget(rewrite, '/api/u/7'), '/users/7')
    assert.equal(rewriteTarget(rewrite, '/api?'), '/?')
  })
})
