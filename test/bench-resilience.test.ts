// The resilience bench's config is a valid gateway config with every policy of issue 8 on the
// guarded upstream and none on the plain one, so the bench measures what it says it does.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resilienceConfig } from '../bench/resilience.js'
import { loadConfigText } from '../src/config/load.js'

test('the bench config loads: the guarded upstream has every policy, the plain one none', () => {
  const config = loadConfigText(resilienceConfig(8080, 8081), 'bench.yaml', {})
  const { plain, guarded } = config.upstreams
  assert.deepEqual(plain!.targets, guarded!.targets)
  for (const key of ['circuitBreaker', 'healthCheck', 'limits'] as const) {
    assert.equal(plain![key], undefined, `plain has no ${key}`)
    assert.notEqual(guarded![key], undefined, `guarded has ${key}`)
  }
  // Without a block an upstream gets the default retry (one more try on a refused connection).
  assert.equal(guarded!.retry.attempts, 3)
  assert.deepEqual(plain!.retry, loadConfigText('upstreams: { u: { targets: [{ url: "http://127.0.0.1:1" }] } }\nroutes: []\n', 'x.yaml', {}).upstreams.u!.retry)
  assert.ok(guarded!.healthCheck!.active !== undefined && guarded!.healthCheck!.passive !== undefined)
  assert.ok(guarded!.limits!.maxRequests !== undefined)
})
