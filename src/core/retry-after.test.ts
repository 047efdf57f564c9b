import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseRetryAfter, retryAfterFromError, retryAfterFromResponse } from './retry-after.js'
import { BadGatewayError, RateLimitedError } from '../errors.js'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)

test('parseRetryAfter', () => {
  const cases: { desc: string, value: string | string[] | undefined, want: number | undefined }[] = [
    { desc: 'seconds', value: '120', want: 120_000 },
    { desc: 'zero', value: '0', want: 0 },
    { desc: 'padded', value: ' 3 ', want: 3000 },
    { desc: 'negative → 0', value: '-5', want: 0 },
    { desc: 'array takes first', value: ['7', '9'], want: 7000 },
    { desc: 'HTTP-date in the future', value: new Date(NOW + 30_000).toUTCString(), want: 30_000 },
    { desc: 'HTTP-date in the past → 0', value: new Date(NOW - 30_000).toUTCString(), want: 0 },
    { desc: 'missing', value: undefined, want: undefined },
    { desc: 'empty', value: '', want: undefined },
    { desc: 'fraction is not delay-seconds', value: '1.5', want: undefined },
    { desc: 'garbage', value: 'soon', want: undefined },
  ]
  for (const c of cases) assert.equal(parseRetryAfter(c.value, NOW), c.want, c.desc)
})

test('retryAfterFromResponse reads only response-like results', () => {
  assert.equal(retryAfterFromResponse({ status: 503, headers: { 'retry-after': '2' } }, NOW), 2000)
  assert.equal(retryAfterFromResponse({ status: 503, headers: {} }, NOW), undefined)
  // The gateway's heads: a flat list, names in any case.
  assert.equal(retryAfterFromResponse({ status: 503, headers: ['Content-Type', 'x', 'Retry-After', '3'] }, NOW), 3000)
  assert.equal(retryAfterFromResponse({ status: 503, headers: ['retry-afterx', '3'] }, NOW), undefined)
  assert.equal(retryAfterFromResponse({ headers: { 'retry-after': '2' } }, NOW), undefined)
  assert.equal(retryAfterFromResponse('503', NOW), undefined)
})

test('retryAfterFromError reads retryAfterMs', () => {
  assert.equal(retryAfterFromError(new RateLimitedError(1500)), 1500)
  assert.equal(retryAfterFromError(new BadGatewayError('t', 'busy', { retryAfterMs: 2500 })), 2500)
  assert.equal(retryAfterFromError(new BadGatewayError('t')), undefined)
  assert.equal(retryAfterFromError(new RateLimitedError(-5)), 0)
  assert.equal(retryAfterFromError(Object.assign(new Error('x'), { retryAfterMs: 10 })), undefined, 'a declared field, not any property')
  assert.equal(retryAfterFromError(null), undefined)
})
