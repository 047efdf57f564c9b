import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createDispatcher } from '../dispatcher/dispatcher.js'
import type { SupplierTransport } from '../dispatcher/transport.js'
import { ManualClock } from '../core/manual-clock.js'
import { bindDispatcherMetrics } from './dispatcher-metrics.js'
import { createMetrics } from './metrics.js'

test('dispatcher events and snapshot become sluice_dispatcher_* metrics', async () => {
  const statuses = [429, 200, 503]
  // A transport stand-in keeps this unit test about the binding; e2e tests use real suppliers.
  const transport = (): SupplierTransport => ({
    request: async () => ({ status: statuses.shift() ?? 200, headers: { 'retry-after': '0' }, body: Buffer.from('') }),
    close: async () => {},
    destroy: async () => {},
  })
  const clock = new ManualClock()
  const d = createDispatcher({
    suppliers: { hotels: { baseUrl: 'http://127.0.0.1:1', retry: { attempts: 2, baseDelay: 0, maxDelay: 0 }, rateLimit: { rps: 1, burst: 1 } } },
    transport,
    clock,
  })
  const m = createMetrics()
  const unbind = bindDispatcherMetrics(d, m)
  const first = d.request({ supplier: 'hotels', path: '/' })
  await clock.tick(1000, 100)
  assert.equal((await first).status, 200)
  const queued = [d.request({ supplier: 'hotels', path: '/' }), d.request({ supplier: 'hotels', path: '/' })]
  await clock.tick(0)
  const text = await m.registry.metrics()
  assert.match(text, /sluice_dispatcher_requests_total\{supplier="hotels",outcome="success"\} 1/)
  assert.match(text, /sluice_dispatcher_retries_total\{supplier="hotels"\} 1/)
  assert.match(text, /sluice_dispatcher_rate_limited_total\{supplier="hotels"\} 1/)
  assert.match(text, /sluice_dispatcher_queued\{supplier="hotels"\} [12]/)
  assert.match(text, /sluice_dispatcher_breaker_state\{supplier="hotels"\} 0/)
  assert.match(text, /sluice_dispatcher_request_duration_seconds_count\{supplier="hotels"\} 1/)
  await clock.tick(3000, 100)
  await Promise.all(queued)
  unbind()
  await d.close()
})
