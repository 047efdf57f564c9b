import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileRewrite, rewriteTarget } from './rewrite.js'
import type { RewriteDef } from './rewrite.js'

interface Case {
  desc: string
  def: RewriteDef
  path: string
  params?: Record<string, string>
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
    path: '/u/7',
    params: { id: '7' },
    want: '/accounts/7/profile',
  },
  {
    desc: ':param is re-encoded for the path',
    def: { rewrite: { pattern: '^.*$', replacement: '/q/:term' } },
    path: '/s',
    params: { term: 'a b/c?d#é' },
    want: '/q/a%20b%2Fc%3Fd%23%C3%A9',
  },
  {
    desc: ':param left raw by the router is not encoded twice',
    def: { rewrite: { pattern: '^.*$', replacement: '/f/:name' } },
    path: '/s',
    params: { name: 'a%2Fb' },
    want: '/f/a%2Fb',
  },
  {
    desc: ':param holding $ is literal, not a capture reference',
    def: { rewrite: { pattern: '^/(.*)$', replacement: '/x/:v/$1' } },
    path: '/tail',
    params: { v: '$1' },
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
      const rewrite = compileRewrite(c.def)
      assert.ok(rewrite)
      assert.equal(rewrite(c.path, c.params ?? {}), c.want)
    })
  }

  it('returns undefined when there is nothing to do', () => {
    assert.equal(compileRewrite({}), undefined)
    assert.equal(compileRewrite({ stripPrefix: '/' }), undefined)
  })

  it('keeps the query string untouched', () => {
    const rewrite = compileRewrite({ stripPrefix: '/api', rewrite: { pattern: '^/u/(.*)$', replacement: '/users/$1' } })
    assert.ok(rewrite)
    assert.equal(rewriteTarget(rewrite, '/api/u/7?x=/api/u/1&y=%20', {}), '/users/7?x=/api/u/1&y=%20')
    assert.equal(rewriteTarget(rewrite, '/api/u/7', {}), '/users/7')
    assert.equal(rewriteTarget(rewrite, '/api?', {}), '/?')
  })
})
