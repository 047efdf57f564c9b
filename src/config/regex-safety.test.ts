import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { backtrackingProblem } from './regex-safety.js'

describe('backtrackingProblem', () => {
  const safe = [
    '^/api/.*$', '^/users/(?<id>[0-9]+)$', '^(gold|silver)$', 'foo.*bar', '^/api(/[a-z]+)*$', '^[12]$',
    '^[a-z0-9-]+(\\.[a-z0-9-]+)*$', '^(/[a-z]+|/[0-9]+)*$', '^(a|ab)*c$', '^(?:v1|v2)+$', '^/svc/(?<rest>[a-z]+)',
  ]
  for (const p of safe) it(`accepts ${p}`, () => assert.equal(backtrackingProblem(p), undefined))

  const unsafe: Array<[string, RegExp]> = [
    ['^/(a+)+$', /`a\+` can take exponential time/],
    ['(x+x+)+y', /exponential/],
    ['(.*,)*x', /exponential/],
    ['\\d+\\d+$', /polynomial/],
    ['.*a.*b', /polynomial/],
    ['\\s*$', /polynomial/],
    ['^(\\w|\\d)+$', /branches of `\(\\w\|\\d\)\+` can match the same text/],
    ['^(a|aa)*$', /branches of `\(a\|aa\)\*`/],
    ['^(?:a|b|ab)*$', /exponential/],
  ]
  for (const [p, why] of unsafe) it(`refuses ${p}`, () => assert.match(backtrackingProblem(p) ?? '', why))
})
