import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CONNECT_FAILURES, isNeutral, kindOf, retryableCode } from './error-kinds.js'
import {
  AbortedError, BadGatewayError, InvalidOptionsError, QueueFullError, ResponseTooLargeError, UpstreamTimeoutError,
} from './errors.js'

const coded = (code: string): Error => Object.assign(new Error(code), { code })

test('one table decides retry and the breaker, for our errors and for Node/undici codes alike', () => {
  const cases: Array<[string, unknown, boolean, string | undefined]> = [
    // what, error, neutral to the breaker, retried as
    ['bad gateway', new BadGatewayError('t'), false, 'SLC_BAD_GATEWAY'],
    ['upstream timeout', new UpstreamTimeoutError('t', 5), false, 'SLC_UPSTREAM_TIMEOUT'],
    ['refused connection', coded('ECONNREFUSED'), false, 'ECONNREFUSED'],
    ['reset', coded('ECONNRESET'), false, 'ECONNRESET'],
    ['reset inside fetch failed', new TypeError('fetch failed', { cause: coded('ECONNRESET') }), false, 'ECONNRESET'],
    ['invalid options', new InvalidOptionsError('x'), true, undefined],
    ['undici invalid argument', coded('UND_ERR_INVALID_ARG'), true, undefined],
    ['undici closed pool', coded('UND_ERR_DESTROYED'), true, undefined],
    ['queue full', new QueueFullError('q', 1), true, undefined],
    // Sent, but the answer broke the caller's own limit: the same again would fail the same way.
    ['response too large', new ResponseTooLargeError('t', 1), true, undefined],
    ['aborted with a network cause', new AbortedError('x', { cause: coded('ECONNRESET') }), true, undefined],
    ['a bug', new TypeError('x is undefined'), false, undefined],
    ['an unlisted code', coded('EACCES'), false, undefined],
    ['not an error', 'boom', false, undefined],
  ]
  for (const [what, err, neutral, retried] of cases) {
    assert.equal(isNeutral(err), neutral, `${what}: neutral`)
    assert.equal(retryableCode(err), retried, `${what}: retried`)
  }
  assert.equal(kindOf(new BadGatewayError('t')), 'upstream')
  assert.equal(kindOf(null), undefined)
})

test("the gateway's connect failures are the table's connect kind", () => {
  assert.deepEqual([...CONNECT_FAILURES].sort(), [
    'EAI_AGAIN', 'ECONNABORTED', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT',
  ])
})
