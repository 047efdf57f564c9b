import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidPathError } from '../../errors.js'
import { forwardTarget, hasDotSegment, normalizePath } from './normalize-path.js'

describe('normalizePath', () => {
  const same = ['/', '/api/users', '/a/b/', '//x//', '/a.b/.c/..d/...', '/files/a:b@c', '/é', '*']
  for (const p of same) {
    it(`leaves ${p} as it is, as the same string`, () => assert.equal(normalizePath(p), p))
  }

  const cases: Array<[string, string]> = [
    ['/api/../admin', '/admin'],
    ['/api/%2e%2e/admin', '/admin'],
    ['/api/%2E./admin', '/admin'],
    ['/api/.%2e/admin', '/admin'],
    ['/a/./b', '/a/b'],
    ['/a/%2e/b', '/a/b'],
    ['/a/b/.', '/a/b/'],
    ['/a/b/..', '/a/'],
    ['/a/..', '/'],
    ['/a//..', '/a/'],
    ['/%41%7e%2D%5f%30', '/A~-_0'],
    ['/a%2fb', '/a%2Fb'],
    ['/a%c3%a9', '/a%C3%A9'],
    ['/files/%252e%252e', '/files/%252e%252e'],
    ['/q%3f', '/q%3F'],
    ['/.../x', '/.../x'],
  ]
  for (const [raw, want] of cases) {
    it(`${raw} → ${want}`, () => assert.equal(normalizePath(raw), want))
  }

  const rejected: Array<[string, RegExp]> = [
    ['/..', /climbs/],
    ['/../admin', /climbs/],
    ['/a/../../b', /climbs/],
    ['/%2e%2e/x', /climbs/],
    ['/api/..\\admin', /backslash/],
    ['/a\\b', /backslash/],
    ['/a%', /malformed/],
    ['/a%2', /malformed/],
    ['/a%zz', /malformed/],
    ['/api/..%2Fadmin', /encoded slash/],
    ['/api/x%2f..', /encoded slash/],
    ['/api/%2e%2e%5Cadmin', /encoded slash/],
  ]
  for (const [raw, why] of rejected) {
    it(`rejects ${raw}`, () => {
      assert.throws(() => normalizePath(raw), (err: unknown) => {
        assert.ok(err instanceof InvalidPathError)
        assert.equal(err.status, 400)
        assert.equal(err.code, 'SLC_INVALID_PATH')
        assert.match(err.message, why)
        return true
      })
    })
  }
})

describe('forwardTarget', () => {
  it('keeps the raw target when the path did not change', () => {
    assert.equal(forwardTarget('/a?x=%2e', '/a', 'x=%2e'), '/a?x=%2e')
    assert.equal(forwardTarget('/a?', '/a', ''), '/a?')
    // A request transform changed the query: the client's target no longer says what goes upstream.
    assert.equal(forwardTarget('/a?x=1', '/a', 'x=2'), '/a?x=2')
    assert.equal(forwardTarget('/a?x=1', '/a', 'x=1&v=2'), '/a?x=1&v=2')
    assert.equal(forwardTarget('/a', '/a', 'v=2'), '/a?v=2')
    assert.equal(forwardTarget('/a?x=1', '/a', ''), '/a')
  })
  it('joins the normal path and the raw query otherwise', () => {
    assert.equal(forwardTarget('/a/../b?x=1', '/b', 'x=1'), '/b?x=1')
    assert.equal(forwardTarget('/a/./b', '/a/b', ''), '/a/b')
    assert.equal(forwardTarget('/a/bc/..?q', '/a/', 'q'), '/a/?q')
  })
})

describe('hasDotSegment', () => {
  for (const p of ['/./x', '/x/..', '/x/%2E%2e/y', '/x/a%2F../y']) it(`finds one in ${p}`, () => assert.equal(hasDotSegment(p), true))
  for (const p of ['/x', '/x.y/..z', '/%252e%252e', '/...']) it(`finds none in ${p}`, () => assert.equal(hasDotSegment(p), false))
})
