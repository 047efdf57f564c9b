import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMetrics } from './metrics.js'
import { CodeCounter, SeriesHistogram } from './recorder.js'

const names = ['sluice_http_requests_total', 'sluice_http_request_duration_seconds', 'sluice_upstream_requests_total']

async function text (m: ReturnType<typeof createMetrics>): Promise<string> {
  const parts = await Promise.all(names.map(n => m.registry.getSingleMetricAsString(n)))
  // Series order follows first use, which Prometheus ignores.
  return parts.join('\n').split('\n').sort().join('\n')
}

test('recorded locally, scraped exactly as per-request prom-client calls would have produced', async () => {
  const local = createMetrics()
  const direct = createMetrics()
  const r = local.recorder
  const counters = new Map<string, CodeCounter>()
  const count = (route: string, method: string, code: number): void => {
    const k = `${route} ${method}`
    let c = counters.get(k)
    if (c === undefined) counters.set(k, c = new CodeCounter(r, local.httpRequests, [route, method]))
    c.inc(code)
  }
  const durations = { a: new SeriesHistogram(r, local.httpDuration, 'route', 'a'), b: new SeriesHistogram(r, local.httpDuration, 'route', 'b') }
  const up = new CodeCounter(r, local.upstreamRequests, ['svc', 'http://t:1'])
  const samples: Array<['a' | 'b', string, number, number]> = [
    ['a', 'GET', 200, 0.0004], ['a', 'GET', 200, 0.001], ['a', 'POST', 201, 0.0031],
    ['b', 'GET', 404, 0.2], ['a', 'GET', 502, 45], ['b', 'GET', 200, 0.0099], ['a', 'GET', 200, 2.5],
  ]
  for (const [route, method, code, s] of samples) {
    count(route, method, code)
    durations[route].observe(s)
    up.inc(code)
    direct.httpRequests.labels(route, method, String(code)).inc()
    direct.httpDuration.labels(route).observe(s)
    direct.upstreamRequests.labels('svc', 'http://t:1', String(code)).inc()
  }
  assert.equal(await text(local), await text(direct))
  // A second round lands on top of the first (nothing double-counted, nothing lost).
  count('a', 'GET', 200)
  durations.a.observe(0.02)
  direct.httpRequests.labels('a', 'GET', '200').inc()
  direct.httpDuration.labels('a').observe(0.02)
  assert.equal(await text(local), await text(direct))
  assert.match(await text(local), /sluice_http_requests_total\{route="a",method="GET",code="200"\} 4/)
})

test('each Metrics object has its own recorder, flushed by reads of that registry only', async () => {
  const m1 = createMetrics()
  const m2 = createMetrics()
  assert.notEqual(m1.recorder, m2.recorder)
  new CodeCounter(m1.recorder, m1.httpRequests, ['r', 'GET']).inc(200)
  assert.match(await m1.registry.getSingleMetricAsString(names[0]!), /code="200"\} 1/)
  assert.doesNotMatch(await m2.registry.getSingleMetricAsString(names[0]!), /code="200"/)
})
