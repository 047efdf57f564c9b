import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { SluiceError } from '../errors.js'
import { checkPrelude, SERVER_OPTIONS } from './prelude.js'

/** The fields checkPrelude reads, as node:http fills them in. */
function message (url: string, headers: string[], method = 'GET', minor = 1): IncomingMessage {
  const fields = { url, method, rawHeaders: headers, httpVersionMajor: 1, httpVersionMinor: minor }
  return fields as unknown as IncomingMessage
}

function verdict (url: string, host: string | undefined, method = 'GET'): string {
  const req = message(url, host === undefined ? [] : ['Host', host], method)
  const v = checkPrelude(req, 100)
  if (v === undefined) return `ok ${req.url}`
  return SluiceError.is(v) ? v.code : v
}

test('absolute-form: same authority (case, trailing dot, default port) → origin-form; else refused', () => {
  const cases: Array<[url: string, host: string | undefined, expected: string, method?: string]> = [
    ['http://a.example/x?y=1', 'a.example', 'ok /x?y=1'],
    ['HTTP://A.Example:80/x', 'a.example.', 'ok /x'],
    ['https://a.example/x', 'a.example:443', 'ok /x'],
    ['https://a.example/x', 'a.example:80', 'SLC_INVALID_HOST'],
    ['http://a.example:8080/x', 'a.example', 'SLC_INVALID_HOST'],
    ['http://[::1]:8080/x', '[::1]:8080', 'ok /x'],
    ['http://[::1]/x', '[::1]:80', 'ok /x'],
    ['http://a.example', 'a.example', 'ok /'],
    ['http://a.example?q', 'a.example', 'ok /?q'],
    ['http://a.example', 'a.example', SERVER_OPTIONS, 'OPTIONS'],
    ['http://a.example/', 'a.example', 'ok /', 'OPTIONS'],
    ['http://a.example/x', undefined, 'SLC_INVALID_HOST'],
    ['http://u:p@a.example/x', 'a.example', 'SLC_BAD_REQUEST'],
    ['http:///x', 'a.example', 'SLC_BAD_REQUEST'],
    ['ws://a.example/x', 'a.example', 'SLC_BAD_REQUEST'],
    ['a.example:80', 'a.example', 'SLC_BAD_REQUEST'],
    ['*', 'a.example', SERVER_OPTIONS, 'OPTIONS'],
    ['*', 'a.example', 'SLC_BAD_REQUEST'],
  ]
  for (const [url, host, expected, method] of cases) {
    assert.equal(verdict(url, host, method), expected, `${method ?? 'GET'} ${url} / Host: ${host}`)
  }
})

test('Host: exactly one valid authority on HTTP/1.1; HTTP/1.0 may omit it', () => {
  for (const good of ['a', 'a.example:8080', '127.0.0.1', '[2001:db8::1]', 'xn--bcher-kva.example', 'a%2Db.example', 'a.example:']) {
    assert.equal(verdict('/', good), 'ok /', good)
  }
  for (const bad of ['', ' ', 'a b', 'a/b', 'a@b', 'a.example:8o', '[::1', 'a\tb', 'ä.example']) {
    assert.equal(verdict('/', bad), 'SLC_INVALID_HOST', JSON.stringify(bad))
  }
  assert.equal(verdict('/', undefined), 'SLC_INVALID_HOST')
  assert.equal(checkPrelude(message('/', [], 'GET', 0), 100), undefined)
  assert.equal((checkPrelude(message('/', ['Host', 'a', 'HOST', 'a']), 100) as SluiceError).code, 'SLC_INVALID_HOST')
})

test('more header lines than the limit → 431; exactly the limit passes', () => {
  const lines = (n: number): string[] => ['Host', 'a', ...Array.from({ length: n - 1 }, (_, i) => [`x-${i}`, '1']).flat()]
  assert.equal(checkPrelude(message('/', lines(10)), 10), undefined)
  assert.equal((checkPrelude(message('/', lines(11)), 10) as SluiceError).code, 'SLC_HEADERS_TOO_LARGE')
})
