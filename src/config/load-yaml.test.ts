import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Type } from '@sinclair/typebox'
import { ConfigError } from '../errors.js'
import { Defaulted, Duration } from './schema/common.js'
import { loadYamlText } from './load-yaml.js'
import type { Check } from './load-yaml.js'

// A schema shaped like the dispatcher's suppliers file: a record of objects with nested defaults.
const Supplier = Type.Object({
  baseUrl: Type.String(),
  retry: Defaulted(Type.Object({
    attempts: Defaulted(Type.Integer({ minimum: 1, default: 3 })),
    delay: Defaulted(Duration({ default: '100ms' })),
  }, { additionalProperties: false, default: {} })),
}, { additionalProperties: false })
const Suppliers = Type.Object({
  suppliers: Type.Record(Type.String({ pattern: '^[a-z]+$' }), Supplier, { additionalProperties: false }),
}, { additionalProperties: false })

const noLocalhost: Check<typeof Suppliers.static> = (value, report) => {
  for (const [name, s] of Object.entries(value.suppliers)) {
    if (s.baseUrl.includes('localhost')) report(['suppliers', name, 'baseUrl'], 'use 127.0.0.1')
    if (name === 'legacy') report(['suppliers', name], 'legacy is retired', 'key')
  }
}

function issuesOf (text: string, check?: Check<typeof Suppliers.static>): readonly string[] {
  try {
    loadYamlText(text, 's.yaml', Suppliers, check, {})
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return err.issues
  }
  assert.fail('loaded without error')
}

test('defaults reach the values of a record, however deep', () => {
  const value = loadYamlText('suppliers:\n  a: { baseUrl: x }\n  b: { baseUrl: y, retry: { attempts: 5 } }\n',
    's.yaml', Suppliers, undefined, {})
  assert.deepEqual(value.suppliers, {
    a: { baseUrl: 'x', retry: { attempts: 3, delay: '100ms' } },
    b: { baseUrl: 'y', retry: { attempts: 5, delay: '100ms' } },
  })
  assert.ok(Object.isFrozen(value.suppliers.b?.retry))
})

test('a check reports at values or keys, in document order', () => {
  const text = 'suppliers:\n  legacy: { baseUrl: x }\n  api: { baseUrl: "http://localhost" }\n'
  assert.deepEqual(issuesOf(text, noLocalhost), [
    's.yaml:2:3 suppliers.legacy: legacy is retired',
    's.yaml:3:19 suppliers.api.baseUrl: use 127.0.0.1',
  ])
})

test('a check also runs on a value the schema rejected: its other findings are listed, echoes of refused nodes are not', () => {
  const text = 'suppliers:\n  api: { baseUrl: 1 }\n  web: { baseUrl: x }\n'
  const issues = issuesOf(text, (_value, report) => {
    report(['suppliers', 'api', 'baseUrl'], 'not a URL')
    report(['suppliers', 'web', 'baseUrl'], 'not a URL')
  })
  assert.deepEqual(issues, [
    's.yaml:2:19 suppliers.api.baseUrl: expected a string (got 1)',
    's.yaml:3:19 suppliers.web.baseUrl: not a URL',
  ])
})

test('a check that trips over a value the schema refused leaves the schema issues standing', () => {
  const issues = issuesOf('suppliers:\n  api: { baseUrl: 1 }\n', () => { throw new TypeError('x.startsWith is not a function') })
  assert.deepEqual(issues, ['s.yaml:2:19 suppliers.api.baseUrl: expected a string (got 1)'])
})

test('one message per offending value, even when TypeBox reports several', () => {
  const Short = Type.Object({ s: Type.String({ minLength: 3, pattern: '^[a-z]+$' }) })
  assert.throws(() => loadYamlText('s: "1"', 'x.yaml', Short, undefined, {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.deepEqual(err.issues, ['x.yaml:1:4 s: must be at least 3 characters (got "1")'])
    return true
  })
})

test('an alias bomb is refused with an issue, not a hang', () => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i < 8; i++) levels.push(`${'b'.repeat(i)}: &l${i} [${new Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`)
  assert.throws(() => loadYamlText(levels.join('\n'), 'x.yaml', Type.Unknown(), undefined, {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.match(err.issues[0] ?? '', /^x\.yaml:1:1 \(root\): .*alias/i)
    return true
  })
})
