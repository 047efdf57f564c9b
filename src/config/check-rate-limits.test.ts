import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../errors.js'
import { checkGatewayConfig } from './check.js'
import { loadYamlText } from './load-yaml.js'
import { GatewayConfigSchema } from './schema/index.js'

function issues (text: string): string[] {
  try {
    loadYamlText(text, 'sluice.yaml', GatewayConfigSchema, checkGatewayConfig, {})
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return [...err.issues]
  }
  assert.fail('expected a ConfigError')
}

const upstreams = 'upstreams: { u: { targets: [{ url: "http://127.0.0.1:9" }] } }'

test('a bad key is located', () => {
  assert.deepEqual(issues(`${upstreams}
routes:
  - name: r
    match: { path: / }
    upstream: u
    rateLimits: [{ name: b, requests: 1, per: 1s, key: "header:bad header" }]
`), [
    'sluice.yaml:6:56 routes[0].rateLimits[0].key: expected ip, consumer, route, header:NAME, query:NAME or claim:PATH, ' +
      'or a list of them (got "header:bad header")',
  ])
})

test('rate-limit entries are checked and located: missing fields, duplicates, plan entries, unknown plans', () => {
  assert.deepEqual(issues(`rateLimiting: { defaultPlan: gold }
plans:
  free:
    - { name: s, requests: 1, per: 1s }
    - { name: s, requests: 9, per: 1d }
${upstreams}
routes:
  - name: r
    match: { path: / }
    upstream: u
    rateLimits:
      - { name: a, requests: 1 }
      - { name: a, requests: 1, per: 1s }
      - { plan: true, requests: 5 }
`), [
    'sluice.yaml:1:30 rateLimiting.defaultPlan: unknown plan "gold" (not in plans)',
    'sluice.yaml:5:15 plans.free[1].name: duplicate limit name "s" in plan free',
    "sluice.yaml:12:9 routes[0].rateLimits[0]: missing per (or write { plan: true } for the consumer's plan limits)",
    'sluice.yaml:13:17 routes[0].rateLimits[1].name: duplicate limit name "a" in this route',
    "sluice.yaml:14:33 routes[0].rateLimits[2].requests: a { plan: true } entry takes no requests: the plan's limits apply",
  ])
})
