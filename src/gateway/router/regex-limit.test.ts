import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileValueTest } from './conditions.js'
import { MAX_REGEX_INPUT } from './regex-limit.js'
import { compileRewrite } from './rewrite.js'
import { compileRouter } from './router.js'

const at = (n: number) => '/' + 'a'.repeat(n - 1)

describe('config regexes read at most MAX_REGEX_INPUT characters', () => {
  it('a header or query value one character over never matches a /…/ condition', () => {
    const test = compileValueTest('/^a+$/')
    assert.equal(test('a'.repeat(MAX_REGEX_INPUT)), true)
    assert.equal(test('a'.repeat(MAX_REGEX_INPUT + 1)), false)
    assert.equal(compileValueTest('a'.repeat(MAX_REGEX_INPUT + 1))('a'.repeat(MAX_REGEX_INPUT + 1)), true, 'exact values have no cap')
  })

  it('a path one character over never matches pathRegex', () => {
    const router = compileRouter([{ name: 'r', match: { pathRegex: '^/a+$' }, priority: 0, payload: 0 }])
    const req = (path: string) => ({ method: 'GET', host: undefined, path, query: '', headers: {} })
    assert.equal(router.match(req(at(MAX_REGEX_INPUT)))?.route.name, 'r')
    assert.equal(router.match(req(at(MAX_REGEX_INPUT + 1))), undefined)
  })

  it('a path one character over is refused by a regex rewrite instead of passing through unrewritten', () => {
    const rewrite = compileRewrite({ rewrite: { pattern: '^/a', replacement: '/b' } })!
    assert.equal(rewrite(at(MAX_REGEX_INPUT)).slice(0, 3), '/ba')
    assert.throws(() => rewrite(at(MAX_REGEX_INPUT + 1)), { code: 'SLC_INVALID_PATH', status: 400 })
    const strip = compileRewrite({ stripPrefix: '/a' })!
    assert.equal(strip('/a' + at(MAX_REGEX_INPUT + 1)), at(MAX_REGEX_INPUT + 1), 'stripPrefix has no regex, so no cap')
  })
})
