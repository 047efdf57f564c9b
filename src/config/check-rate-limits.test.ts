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

test('algorithm, quota and delay fields are checked against each other and located', () => {
  assert.deepEqual(issues(`${upstreams}
plans:
  free:
    - { name: a, requests: 5, per: 1s, algorithm: sliding-window, burst: 10 }
    - { name: b, requests: 1000, per: 1d, quota: true }
    - { name: c, requests: 1000, per: 7d, quota: true }
    - { name: d, requests: 1000, per: 1mo }
    - { name: e, requests: 9, per: 1mo, quota: true, algorithm: sliding-window }
    - { name: f, requests: 9, per: 5mo, quota: true }
routes:
  - name: r
    match: { path: / }
    upstream: u
    rateLimits:
      - { name: g, requests: 1, per: 1s, mode: delay }
      - { name: h, requests: 1, per: 1s, maxDelay: 1s }
      - { name: i, requests: 1, per: 1d, quota: true, mode: delay, maxDelay: 1s }
      - { name: j, requests: 1, per: 1s, algorithm: fixed-window, mode: delay, maxDelay: 1s }
      - { name: k, requests: 1, per: 3mo, quota: true }
      - { plan: true, mode: delay }
`), [
    'sluice.yaml:4:74 plans.free[0].burst: burst is for algorithm: gcra (a sliding-window admits requests per window)',
    "sluice.yaml:6:39 plans.free[2].per: 7d: a quota's windows follow the UTC calendar, so per must divide a day (1d, 12h, 1h, 15m…) or be months (1mo)",
    'sluice.yaml:7:39 plans.free[3].per: 1mo: months are calendar windows, for a quota (quota: true)',
    'sluice.yaml:8:65 plans.free[4].algorithm: a quota counts calendar windows: leave algorithm out or write fixed-window',
    'sluice.yaml:9:36 plans.free[5].per: 5mo: a month quota must divide a year (1mo, 2mo, 3mo, 4mo, 6mo, 12mo)',
    'sluice.yaml:15:48 routes[0].rateLimits[0].mode: mode: delay needs maxDelay, the longest a request may wait for its slot',
    'sluice.yaml:16:52 routes[0].rateLimits[1].maxDelay: maxDelay applies to mode: delay only',
    'sluice.yaml:17:61 routes[0].rateLimits[2].mode: a quota does not delay: a request over it waits for the calendar reset (use mode: reject)',
    'sluice.yaml:20:29 routes[0].rateLimits[5].mode: a { plan: true } entry takes no mode: set it on the plan\'s limits',
  ])
})
