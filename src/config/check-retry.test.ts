import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../errors.js'
import { checkGatewayConfig } from './check.js'
import { loadYamlText } from './load-yaml.js'
import type { GatewayConfig } from './schema/index.js'
import { GatewayConfigSchema } from './schema/index.js'

function load (retry: string): GatewayConfig {
  return loadYamlText(`upstreams:
  u:
    targets: [{ url: "http://127.0.0.1:9" }]
${retry}
routes: []
`, 'sluice.yaml', GatewayConfigSchema, checkGatewayConfig, {}) as GatewayConfig
}

function issues (retry: string): string[] {
  try {
    load(retry)
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return [...err.issues]
  }
  assert.fail('expected a ConfigError')
}

test('without a retry block an upstream retries once, at once, on connect-failure only', () => {
  const r = load('').upstreams.u!.retry
  assert.equal(r.attempts, 2)
  assert.deepEqual(r.on, ['connect-failure'])
  assert.deepEqual(r.backoff, { base: '0ms', max: '0ms' })
  assert.deepEqual(r.methods, ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])
})

test('a present block defaults every failure and the idempotent methods', () => {
  const r = load('    retry: { attempts: 3 }').upstreams.u!.retry
  assert.deepEqual(r.on, ['connect-failure', 'reset', 'timeout', 502, 503, 504])
  assert.deepEqual(r.budget, { ratio: 0.2, minPerSecond: 5 })
  assert.equal(r.bufferBody, '64kb')
})

test('bad retry values are located', () => {
  assert.deepEqual(issues('    retry: { on: [reset, 500] }'), [
    'sluice.yaml:4:26 upstreams.u.retry.on[1]: must be one of connect-failure, reset, timeout, 502, 503, 504 (got 500)',
  ])
  assert.deepEqual(issues('    retry:\n      attempts: 0'), [
    'sluice.yaml:5:17 upstreams.u.retry.attempts: must be between 1 and 10 (got 0)',
  ])
  assert.deepEqual(issues('    retry:\n      backoff: { base: 2s, max: 1s }'), [
    'sluice.yaml:5:24 upstreams.u.retry.backoff.base: must not exceed backoff.max ("2s" > "1s")',
  ])
  assert.deepEqual(issues('    retry:\n      perTryTimeout: 0ms'), [
    'sluice.yaml:5:22 upstreams.u.retry.perTryTimeout: must be at least 1ms (got "0ms")',
  ])
})
