import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Type } from '@sinclair/typebox'
import { REDACTED, redactConfig } from './redact.js'

const schema = Type.Object({
  token: Type.Optional(Type.String({ writeOnly: true })),
  name: Type.String(),
  headers: Type.Optional(Type.Record(Type.String(), Type.String(), { writeOnly: true })),
  set: Type.Optional(Type.Record(Type.String(), Type.String())),
  store: Type.Optional(Type.Union([
    Type.Object({ type: Type.Literal('file'), path: Type.String() }),
    Type.Object({ type: Type.Literal('redis'), url: Type.String(), password: Type.Optional(Type.String({ writeOnly: true })) }),
  ])),
  list: Type.Optional(Type.Array(Type.Object({ secret: Type.String({ writeOnly: true }), id: Type.String() }))),
  free: Type.Optional(Type.Unknown()),
})

const cases = [
  { desc: 'a writeOnly property is hidden', value: { name: 'a', token: 'sekrit' }, want: { name: 'a', token: REDACTED } },
  { desc: 'a writeOnly record keeps its keys', value: { name: 'a', headers: { 'x-team': 'k1', b: 'k2' } }, want: { name: 'a', headers: { 'x-team': REDACTED, b: REDACTED } } },
  { desc: 'a record key that names a credential hides its value', value: { name: 'a', set: { authorization: 'Bearer x', 'x-api-key': 'k', 'x-trace': 'on' } }, want: { name: 'a', set: { authorization: REDACTED, 'x-api-key': REDACTED, 'x-trace': 'on' } } },
  { desc: 'a fixed property named like a credential is not guessed at', value: { name: 'token' }, want: { name: 'token' } },
  { desc: 'a URL loses its userinfo', value: { name: 'a', store: { type: 'redis', url: 'redis://:pa55@127.0.0.1:6379/0' } }, want: { name: 'a', store: { type: 'redis', url: `redis://${REDACTED}@127.0.0.1:6379/0` } } },
  { desc: 'a user and password URL, rediss', value: { name: 'rediss://u:p@h:1 and http://x:y@z/' }, want: { name: `rediss://${REDACTED}@h:1 and http://${REDACTED}@z/` } },
  { desc: 'a URL without userinfo is left alone', value: { name: 'redis://127.0.0.1:6379' }, want: { name: 'redis://127.0.0.1:6379' } },
  { desc: 'a union variant marks its writeOnly key', value: { name: 'a', store: { type: 'redis', url: 'redis://h', password: 'pw' } }, want: { name: 'a', store: { type: 'redis', url: 'redis://h', password: REDACTED } } },
  { desc: 'inside arrays', value: { name: 'a', list: [{ secret: 's', id: 'i' }] }, want: { name: 'a', list: [{ secret: REDACTED, id: 'i' }] } },
  { desc: 'free-form values are user-named throughout', value: { name: 'a', free: { nested: { password: 'p', other: 1 } } }, want: { name: 'a', free: { nested: { password: REDACTED, other: 1 } } } },
]

for (const c of cases) {
  test(`redactConfig: ${c.desc}`, () => {
    const frozen = Object.freeze(structuredClone(c.value))
    assert.deepEqual(redactConfig(schema, frozen), c.want)
  })
}
