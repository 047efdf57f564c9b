import { test } from 'node:test'
import assert from 'node:assert/strict'
import { quantile, summarize } from './summary.js'

const bounds = [0.01, 0.1, 1, Infinity]

const cases = [
  { desc: 'no requests', q: 0.5, buckets: [0, 0, 0, 0], want: null },
  { desc: 'interpolates inside the first bucket from 0', q: 0.5, buckets: [10, 10, 10, 10], want: 0.005 },
  { desc: 'interpolates inside a middle bucket', q: 0.5, buckets: [0, 4, 8, 8], want: 0.1 },
  { desc: 'p99 in the top finite bucket', q: 0.99, buckets: [0, 0, 100, 100], want: 0.991 },
  { desc: 'a rank in +Inf answers the highest finite bound', q: 0.99, buckets: [0, 0, 1, 100], want: 1 },
]
for (const c of cases) {
  test(`quantile: ${c.desc}`, () => { assert.equal(quantile(c.q, bounds, c.buckets), c.want) })
}

test('summarize adds workers: rates per worker summed, buckets summed before the quantile', () => {
  const w = (requests: number, errors: number, seconds: number) => ({
    seconds,
    bounds,
    routes: [{ route: 'a', total: requests + 5, requests, errors, buckets: [0, requests, requests, requests] }],
  })
  const view = summarize([w(10, 1, 10), w(30, 3, 20)])
  assert.deepEqual(view, {
    windowSeconds: 20,
    routes: [{ route: 'a', requests: 50, rps: 2.5, errorRate: 0.1, p50: 0.055, p99: 0.0991 }],
  })
})

test('summarize: Infinity that crossed JSON as null still counts as the +Inf bound', () => {
  const view = summarize([JSON.parse(JSON.stringify({ seconds: 1, bounds, routes: [{ route: 'a', total: 1, requests: 1, errors: 0, buckets: [0, 0, 0, 1] }] }))])
  assert.equal(view.routes[0]?.p99, 1)
})
