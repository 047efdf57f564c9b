import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../errors.js'
import { checkGatewayConfig } from './check.js'
import { loadYamlText } from './load-yaml.js'
import { GatewayConfigSchema } from './schema/index.js'

function issues (upstream: string): string[] {
  try {
    loadYamlText(`routes: []
upstreams:
  u:
    targets: [{ url: "http://127.0.0.1:9" }]
${upstream}
`, 'sluice.yaml', GatewayConfigSchema, checkGatewayConfig, {})
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return [...err.issues]
  }
  return []
}

test('circuitBreaker and limits: valid blocks load', () => {
  const cases = [
    '    circuitBreaker: { failureRatio: 0.5, minimumRequests: 20, window: 10s, openFor: 30s, halfOpenRequests: 3 }',
    '    circuitBreaker: { consecutiveFailures: 5 }',
    '    circuitBreaker: {}',
    '    limits: { maxRequests: 200, adaptive: { min: 10, max: 1000 } }',
    '    limits: { adaptive: { min: 1, max: 1 } }',
  ]
  for (const c of cases) assert.deepEqual(issues(c), [], c)
})

test('circuitBreaker and limits: bad values are located by file:line:col and key', () => {
  const cases = [
    {
      yaml: '    circuitBreaker: { failureRatio: 1.5 }',
      issue: 'sluice.yaml:5:37 upstreams.u.circuitBreaker.failureRatio: must be <= 1 (got 1.5)',
    },
    {
      yaml: '    circuitBreaker: { consecutiveFailures: 0 }',
      issue: 'sluice.yaml:5:44 upstreams.u.circuitBreaker.consecutiveFailures: must be >= 1 (got 0)',
    },
    {
      yaml: '    circuitBreaker: { openFor: 0s }',
      issue: 'sluice.yaml:5:32 upstreams.u.circuitBreaker.openFor: must be longer than 0',
    },
    {
      yaml: '    circuitBreaker: { halfOpen: 3 }',
      issue: 'sluice.yaml:5:23 upstreams.u.circuitBreaker: unknown key "halfOpen"',
    },
    {
      yaml: '    limits: {}',
      issue: 'sluice.yaml:5:13 upstreams.u.limits: must set at least one of maxRequests, adaptive',
    },
    {
      yaml: '    limits: { maxRequests: 0 }',
      issue: 'sluice.yaml:5:28 upstreams.u.limits.maxRequests: must be >= 1 (got 0)',
    },
    {
      yaml: '    limits: { adaptive: { min: 50, max: 10 } }',
      issue: 'sluice.yaml:5:32 upstreams.u.limits.adaptive.min: must not be above max (50 > 10)',
    },
    {
      yaml: '    limits: { maxRequests: 5, adaptive: { min: 10, max: 100 } }',
      issue: 'sluice.yaml:5:48 upstreams.u.limits.adaptive.min: must not be above maxRequests (10 > 5)',
    },
  ]
  for (const c of cases) assert.deepEqual(issues(c.yaml), [c.issue], c.yaml)
})
