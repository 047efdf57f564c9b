import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../errors.js'
import { checkDispatcherConfig } from './check-dispatcher.js'
import { loadYamlText } from './load-yaml.js'
import { DispatcherConfigSchema } from './schema/dispatcher.js'

const load = (text: string) => loadYamlText(text, 'suppliers.yaml', DispatcherConfigSchema, checkDispatcherConfig, {})

function issues (text: string): string[] {
  try {
    load(text)
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return [...err.issues]
  }
  assert.fail('expected a ConfigError')
}

test('a wrong block inside a `false | mapping` option names the key inside it, at its line', () => {
  assert.deepEqual(issues(`suppliers:
  a:
    baseUrl: http://x
    retry:
      attempts: 50
      bakeoff: 1s
    circuitBreaker: { openFor: soon }
store:
  type: etcd
`), [
    'suppliers.yaml:5:17 suppliers.a.retry.attempts: must be between 1 and 20 (got 50)',
    'suppliers.yaml:6:7 suppliers.a.retry: unknown key "bakeoff"',
    'suppliers.yaml:7:32 suppliers.a.circuitBreaker.openFor: expected a duration like 250ms, 10s, 1m (got "soon")',
    'suppliers.yaml:9:9 store.type: must be one of memory, redis (got "etcd")',
  ])
})

test('rules across keys are located too', () => {
  assert.deepEqual(issues(`suppliers:
  a:
    baseUrl: http://x
    rateLimit: { rps: 5, rate: 10 }
`), ['suppliers.yaml:4:16 suppliers.a.rateLimit: give either rps, or rate and per, not both'])
})

test('retry: false and circuitBreaker: false stay off; an absent block gets its defaults', () => {
  const c = load('suppliers:\n  a: { baseUrl: "http://x", retry: false }\n')
  assert.equal(c.suppliers.a!.retry, false)
  assert.deepEqual(c.suppliers.a!.circuitBreaker, { failureRatio: 0.5, minimumRequests: 20, window: '10s', openFor: '30s', halfOpenRequests: 1 })
})
