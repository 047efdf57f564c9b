import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { DispatchedResponse } from './response.js'

const answer = (body: Buffer, headers = { 'content-type': 'application/json' }) =>
  new DispatchedResponse({ status: 200, headers, body }, 1, 0, false, 12.5)

test('console.log(response) shows status, headers and the body as text', () => {
  const shown = inspect(answer(Buffer.from('{"id":7,"name":"widget"}')))
  assert.match(shown, /^DispatchResponse \{/)
  assert.match(shown, /status: 200/)
  assert.match(shown, /'content-type': 'application\/json'/)
  assert.match(shown, /body: '\{"id":7,"name":"widget"\}'/)
  assert.match(shown, /attempts: 1/)
  assert.doesNotMatch(shown, /<Buffer/)
})

test('a long body is cut with its size; a binary one is shown as bytes', () => {
  const long = inspect(answer(Buffer.from('x'.repeat(5000))))
  assert.match(long, /'x{1000}'\.\.\. 4000 more bytes/)
  const binary = inspect(answer(Buffer.from([0xff, 0x00, 0xfe]), { 'content-type': 'application/octet-stream' }))
  assert.match(binary, /body: <3 bytes: ff 00 fe>/)
})

test('nested in another object, the response is still readable', () => {
  const shown = inspect({ result: answer(Buffer.from('ok')) })
  assert.match(shown, /result: DispatchResponse \{/)
  assert.match(shown, /body: 'ok'/)
})
