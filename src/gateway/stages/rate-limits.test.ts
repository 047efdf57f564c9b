// Plans on the stage itself, with the consumer an authentication stage would have set (the
// access-control issue's stages are not on main yet; the e2e tests cover the HTTP side).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../core/manual-clock.js'
import type { GatewayConfig } from '../../config/schema/index.js'
import { RateLimitedError } from '../../errors.js'
import { createMetrics } from '../../observability/metrics.js'
import type { Consumer, RequestContext } from '../contract.js'
import { ResourceRegistry } from '../resources.js'
import { createRateLimitsStage } from './rate-limits.js'

const config = {
  rateLimiting: { store: { type: 'memory', maxKeys: 1000 }, headers: 'ietf', defaultPlan: 'free' },
  plans: {
    free: [{ name: 'per-second', requests: 2, per: '1s' }],
    pro: [{ name: 'per-second', requests: 5, per: '1s' }],
  },
} as unknown as GatewayConfig

function setup (): { stage: ReturnType<typeof createRateLimitsStage>, metrics: ReturnType<typeof createMetrics> } {
  const metrics = createMetrics()
  const stage = createRateLimitsStage([{ plan: true, key: 'ip', algorithm: 'gcra', mode: 'reject' }], {
    clock: new ManualClock(),
    logger: { warn () {} },
    metrics,
    config,
    resources: new ResourceRegistry().begin(),
  })
  return { stage, metrics }
}

function request (consumer: Partial<Consumer> | undefined, ip = '10.0.0.1'): RequestContext & { added: string[] } {
  const added: string[] = []
  return {
    added,
    route: { name: 'api' },
    clientIp: ip,
    headers: {},
    query: '',
    consumer: consumer === undefined ? undefined : { id: 'c', plan: undefined, scopes: [], roles: [], claims: {}, via: 'apiKey', ...consumer },
    addResponseHeader (n: string, v: string) { added.push(n, v) },
  } as unknown as RequestContext & { added: string[] }
}

function passes (stage: ReturnType<typeof createRateLimitsStage>, ctx: RequestContext): number {
  let n = 0
  for (let i = 0; i < 10; i++) {
    try {
      stage.onRequest!(ctx)
      n++
    } catch (err) {
      assert.ok(err instanceof RateLimitedError)
    }
  }
  return n
}

test('each consumer gets its plan\'s limits; no plan means the default plan', () => {
  const { stage } = setup()
  assert.equal(passes(stage, request({ id: 'f', plan: 'free' })), 2)
  assert.equal(passes(stage, request({ id: 'p', plan: 'pro' })), 5)
  assert.equal(passes(stage, request({ id: 'n' })), 2, 'a consumer without a plan: defaultPlan')
  assert.equal(passes(stage, request({ id: 'u', plan: 'unknown' })), 2, 'a plan the config lacks: defaultPlan')
})

test('plan counters are the consumer\'s, wherever it calls from; anonymous callers count by address', () => {
  const { stage } = setup()
  assert.equal(passes(stage, request({ id: 'f', plan: 'free' }, '10.0.0.1')), 2)
  assert.equal(passes(stage, request({ id: 'f', plan: 'free' }, '10.0.0.2')), 0)
  assert.equal(passes(stage, request(undefined, '10.0.0.3')), 2)
  assert.equal(passes(stage, request(undefined, '10.0.0.4')), 2)
})

test('decisions are counted per limit and result; fields name the plan limit', async () => {
  const { stage, metrics } = setup()
  const ctx = request({ id: 'f', plan: 'free' })
  passes(stage, ctx)
  assert.equal(ctx.added[0], 'ratelimit-policy')
  assert.equal(ctx.added[1], '"per-second";q=2;w=1')
  const text = await metrics.registry.metrics()
  assert.match(text, /sluice_rate_limit_decisions_total\{route="api",limit="per-second",result="allowed"\} 2/)
  assert.match(text, /sluice_rate_limit_decisions_total\{route="api",limit="per-second",result="rejected"\} 8/)
})
