import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Consumer, RequestContext } from '../contract.js'
import { compileKey } from './keys.js'

interface Over { headers?: Record<string, string>, query?: string, consumer?: Partial<Consumer> }

function ctx (over: Over = {}): RequestContext {
  return {
    clientIp: '10.0.0.1',
    headers: over.headers ?? {},
    query: over.query ?? '',
    consumer: over.consumer === undefined ? undefined : { id: 'c1', plan: undefined, scopes: [], roles: [], claims: {}, via: 'apiKey', ...over.consumer },
  } as unknown as RequestContext
}

const cases: Array<{ desc: string, key: string | string[], ctx: RequestContext, want: string }> = [
  { desc: 'ip', key: 'ip', ctx: ctx(), want: 'ip=10.0.0.1' },
  { desc: 'route is one counter for all clients', key: 'route', ctx: ctx(), want: 'route' },
  { desc: 'consumer id', key: 'consumer', ctx: ctx({ consumer: { id: 'alice' } }), want: 'c=alice' },
  { desc: 'anonymous consumer falls back to the client address', key: 'consumer', ctx: ctx(), want: 'ip=10.0.0.1' },
  { desc: 'header, case-insensitive name', key: 'header:X-Tenant', ctx: ctx({ headers: { 'x-tenant': 'a|b' } }), want: 'h=a%7Cb' },
  { desc: 'missing header: the client address, tagged as such', key: 'header:x-tenant', ctx: ctx(), want: 'ip=10.0.0.1' },
  { desc: 'a header value equal to an address stays a header value', key: 'header:x-t', ctx: ctx({ headers: { 'x-t': '10.0.0.1' } }), want: 'h=10.0.0.1' },
  { desc: 'query', key: 'query:key', ctx: ctx({ query: 'a=1&key=k%201' }), want: 'q=k%201' },
  { desc: 'missing query parameter', key: 'query:key', ctx: ctx({ query: 'a=1' }), want: 'ip=10.0.0.1' },
  { desc: 'nested claim', key: 'claim:org.id', ctx: ctx({ consumer: { claims: { org: { id: 7 } } } }), want: 'k=7' },
  { desc: 'claim that is an object is missing', key: 'claim:org', ctx: ctx({ consumer: { claims: { org: { id: 7 } } } }), want: 'ip=10.0.0.1' },
  { desc: 'a list joins its parts', key: ['ip', 'header:x-t'], ctx: ctx({ headers: { 'x-t': 'v' } }), want: 'ip=10.0.0.1&h=v' },
]

for (const c of cases) {
  test(`key: ${c.desc}`, () => { assert.equal(compileKey(c.key)(c.ctx), c.want) })
}

test('a long value is stored as its hash, so a key stays small whatever the client sends', () => {
  const a = compileKey('header:x-t')(ctx({ headers: { 'x-t': 'x'.repeat(16_000) } }))
  const b = compileKey('header:x-t')(ctx({ headers: { 'x-t': 'x'.repeat(15_999) + 'y' } }))
  assert.ok(a.length < 64, a)
  assert.notEqual(a, b)
})
