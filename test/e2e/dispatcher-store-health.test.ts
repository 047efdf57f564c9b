import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import { bindDispatcherMetrics } from '../../src/observability/dispatcher-metrics.js'
import { createMetrics } from '../../src/observability/metrics.js'
import type { Metrics } from '../../src/observability/metrics.js'
import { REDIS_SKIP_REASON, startRedis } from '../helpers/redis-server.js'
import { startSupplier } from '../helpers/supplier-server.js'

async function storeErrors (m: Metrics): Promise<number> {
  const metric = m.registry.getSingleMetric('sluice_store_errors_total')
  const values = (await metric!.get()).values
  return values.find(v => v.labels.store === 'redis')?.value ?? 0
}

test('Redis stopped mid-run: a warning is logged, store errors are counted, recovery is logged', async (t) => {
  const redis = await startRedis()
  if (redis === undefined) return t.skip(REDIS_SKIP_REASON)
  const server = await startSupplier({})
  const lines: { obj: Record<string, unknown>, msg: string }[] = []
  const d = createDispatcher({
    suppliers: { s: { baseUrl: server.url, rateLimit: { rps: 1000 }, retry: false } },
    store: { type: 'redis', url: redis.url, prefix: 'health' },
    logger: { warn: (obj, msg) => { lines.push({ obj: obj as Record<string, unknown>, msg }) } },
  })
  const metrics = createMetrics()
  const unbind = bindDispatcherMetrics(d, metrics)
  try {
    assert.equal((await d.request({ supplier: 's', path: '/' })).status, 200)
    assert.equal(lines.length, 0)
    assert.equal(await storeErrors(metrics), 0)

    await redis.stop()
    for (let i = 0; i < 4; i++) assert.equal((await d.request({ supplier: 's', path: `/down${i}` })).status, 200)
    assert.equal(lines.length, 1, 'one warning for the outage, not one per error')
    assert.match(lines[0]!.msg, /limiter store unavailable.*onStoreError=allow/)
    assert.equal(lines[0]!.obj.store, 'dispatcher')
    assert.ok(lines[0]!.obj.err instanceof Error)
    assert.ok(await storeErrors(metrics) >= 4, 'every failed take is counted')

    await redis.restart()
    const deadline = Date.now() + 5000
    while (!lines.some(l => /recovered/.test(l.msg)) && Date.now() < deadline) {
      assert.equal((await d.request({ supplier: 's', path: '/after' })).status, 200)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    const recovered = lines.filter(l => /recovered/.test(l.msg))
    assert.equal(recovered.length, 1)
    assert.ok((recovered[0]!.obj.errors as number) >= 4)
    const counted = await storeErrors(metrics)
    assert.equal((await d.request({ supplier: 's', path: '/healthy' })).status, 200)
    assert.equal(await storeErrors(metrics), counted, 'no store error once Redis is back')
    assert.equal(lines.length, 2)
  } finally {
    unbind()
    await d.close()
    await server.close()
    await redis.stop()
  }
})
