import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../errors.js'
import { checkGatewayConfig } from './check.js'
import { loadYamlText } from './load-yaml.js'
import { GatewayConfigSchema } from './schema/index.js'

function load (upstreamLine: string): string[] {
  const text = `upstreams:
  u:
    targets: [{ url: "http://127.0.0.1:9" }]
    ${upstreamLine}
routes: [{ name: r, match: { path: / }, upstream: u }]
`
  try {
    loadYamlText(text, 'sluice.yaml', GatewayConfigSchema, checkGatewayConfig, {})
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return [...err.issues]
  }
  return []
}

test('the contract block loads, defaults filled in', () => {
  const text = `upstreams:
  u:
    targets: [{ url: "http://127.0.0.1:9" }]
    healthCheck:
      active: { path: /healthz, interval: 2s, timeout: 1s, healthyThreshold: 2, unhealthyThreshold: 2, expectStatus: "200-399" }
      passive: { consecutiveFailures: 5, ejectFor: 30s, maxEjectedPercent: 50 }
    slowStart: 30s
  v:
    targets: [{ url: "http://127.0.0.1:9" }]
    healthCheck: { active: {}, passive: {} }
routes: [{ name: r, match: { path: / }, upstream: u }]
`
  const cfg = loadYamlText(text, 'sluice.yaml', GatewayConfigSchema, checkGatewayConfig, {})
  assert.equal(cfg.upstreams.u!.slowStart, '30s')
  assert.deepEqual(cfg.upstreams.v!.healthCheck, {
    active: { path: '/healthz', interval: '2s', timeout: '1s', healthyThreshold: 2, unhealthyThreshold: 2, expectStatus: '200-399' },
    passive: { consecutiveFailures: 5, ejectFor: '30s', maxEjectedPercent: 50 },
  })
})

test('bad health settings are located', () => {
  assert.deepEqual(load('healthCheck: { active: { expectStatus: "200-" } }'), [
    'sluice.yaml:4:44 upstreams.u.healthCheck.active.expectStatus: expected a status like "200" or an inclusive range like "200-399" (got "200-")',
  ])
  assert.deepEqual(load('healthCheck: { active: { expectStatus: "399-200" } }'), [
    'sluice.yaml:4:44 upstreams.u.healthCheck.active.expectStatus: range "399-200" runs backwards (write the lower status first)',
  ])
  assert.deepEqual(load('healthCheck: { active: { interval: 1s, timeout: 2s } }'), [
    'sluice.yaml:4:53 upstreams.u.healthCheck.active.timeout: must not exceed interval ("1s"): a probe ends before the next one starts',
  ])
  assert.deepEqual(load('healthCheck: { active: { interval: 0 } }'), [
    'sluice.yaml:4:40 upstreams.u.healthCheck.active.interval: must be at least 1ms',
  ])
  assert.deepEqual(load('healthCheck: { passive: { ejectFor: 0ms, maxEjectedPercent: 101 } }'), [
    'sluice.yaml:4:41 upstreams.u.healthCheck.passive.ejectFor: must be at least 1ms',
    'sluice.yaml:4:65 upstreams.u.healthCheck.passive.maxEjectedPercent: must be between 0 and 100 (got 101)',
  ])
  assert.deepEqual(load('slowStart: soon'), [
    'sluice.yaml:4:16 upstreams.u.slowStart: expected a duration like 250ms, 10s, 1m (got "soon")',
  ])
  assert.deepEqual(load('healthCheck: { active: { interval: 1s, timeout: 1s }, passive: {} }\n    slowStart: 0'), [])
})
