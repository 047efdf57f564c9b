import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMetrics } from '../observability/metrics.js'
import { CodeCounter, Recorder } from './recorder.js'
import { RouteMetrics } from './route.js'

const names = ['sluice_http_requests_total', 'sluice_http_request_duration_seconds', 'sluice_upstream_requests_total']

async function text (m: ReturnType<typeof createMetrics>): Promise<string> {
  const parts = await Promise.all(names.map(n => m.registry.getSingleMetricAsString(n)))
  // Series order follows first use, which Prometheus ignores.
  return parts.join('\n').split('\n').sort().join('\n')
}

test('recorded locally, scraped exactly as per-request prom-client calls would have produced', async () => {
  const local = createMetrics()
  const direct = createMetrics()
  const a = new RouteMetrics('a', local)
  const b = new RouteMetrics('b', local)
  const up = new CodeCounter(Recorder.for(local), local.upstreamRequests, ['svc', 'http://t:1'])
  const samples: Array<[RouteMetrics, string, string, number, number]> = [
    [a, 'a', 'GET', 200, 0.0004], [a, 'a', 'GET', 200, 0.001], [a, 'a', 'POST', 201, 0.0031],
    [b, 'b', 'GET', 404, 0.2], [a, 'a', 'GET', 502, 45], [b, 'b', 'GET', 200, 0.0099], [a, 'a', 'GET', 200, 2.5],
  ]
  for (const [rm, route, method, code, s] of samples) {
    rm.count(method, code)
    rm.duration.observe(s)
    up.inc(code)
    direct.httpRequests.labels(route, method, String(code)).inc()
    direct.httpDuration.labels(route).observe(s)
    direct.upstreamRequests.labels('svc', 'http://t:1', String(code)).inc()
  }
  assert.equal(await text(local), await text(direct))
  // A second round lands on top of the first (nothing double-counted, nothing lost).
  a.count('GET', 200)
  a.duration.observe(0.02)
  direct.httpRequests.labels('a', 'GET', '200').inc()
  direct.httpDuration.labels('a').observe(0.02)
  assert.equal(await text(local), await text(direct))
  assert.match(await text(local), /sluice_http_requests_total\{route="a",method="GET",code="200"\} 4/)
})

test('each Metrics object has its own recorder', async () => {
  const m1 = createMetrics()
  const m2 = createMetrics()
  assert.equal(Recorder.for(m1), Recorder.for(m1))
  assert.notEqual(Recorder.for(m1), Recorder.for(m2))
  new RouteMetrics('r', m1).count('GET', 200)
  assert.match(await m1.registry.getSingleMetricAsString(names[0]!), /code="200"\} 1/)
  assert.doesNotMatch(await m2.registry.getSingleMetricAsString(names[0]!), /code="200"/)
})
