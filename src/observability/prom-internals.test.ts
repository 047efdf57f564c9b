// Canary for prom-internals.ts: it writes into prom-client's private histogram state, so it is
// pinned to the prom-client it was checked against. A failure here means: read prom-client's
// lib/histogram.js again, adjust prom-internals.ts, then bump CHECKED_VERSION.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Histogram, Registry } from 'prom-client'
import { CHECKED_VERSION, seriesBuckets } from './prom-internals.js'

const installed = (createRequire(import.meta.url)('prom-client/package.json') as { version: string }).version
const BOUNDS = [0.01, 0.1, 1]

function histogram (): Histogram<string> {
  return new Histogram({ name: 'h', help: 'h', labelNames: ['route'], buckets: BOUNDS, registers: [new Registry()] })
}
const exposition = async (h: Histogram<string>): Promise<string> => (await h.get()).values
  .map((v) => `${v.metricName ?? ''}${JSON.stringify(v.labels)} ${v.value}`).sort().join('\n')

test(`prom-client is the version prom-internals.ts was checked against (${CHECKED_VERSION})`, () => {
  assert.equal(installed, CHECKED_VERSION,
    `prom-client ${installed} is installed; src/observability/prom-internals.ts writes into its private histogram ` +
    `state and was checked against ${CHECKED_VERSION}. Re-read prom-client's lib/histogram.js, then update CHECKED_VERSION.`)
})

test('the private histogram layout is the one prom-internals.ts relies on', () => {
  const h = histogram()
  const internals = h as unknown as { upperBounds: unknown, hashMap: Record<string, unknown> }
  assert.deepEqual(internals.upperBounds, BOUNDS, 'histogram.upperBounds holds the bucket bounds')
  h.labels('a').observe(0.05)
  const entry = internals.hashMap['route:a,'] as { bucketValues: Record<string, number>, sum: number, count: number }
  assert.ok(entry !== undefined, `series key format changed: ${Object.keys(internals.hashMap).join(' ')}`)
  assert.deepEqual(entry.bucketValues, { 0.01: 0, 0.1: 1, 1: 0 }, 'bucketValues are non-cumulative, keyed by bound')
  assert.equal(entry.sum, 0.05)
  assert.equal(entry.count, 1)
  assert.ok(seriesBuckets(h, 'route', 'a') !== undefined)
})

test('a batched add exports exactly what the same observations through the public API export', async () => {
  const values = [0.001, 0.01, 0.05, 0.5, 0.7, 3, 40]
  const viaApi = histogram()
  for (const v of values) viaApi.labels('a').observe(v)
  const batched = histogram()
  const series = seriesBuckets(batched, 'route', 'a')!
  const counts = [0, 0, 0, 0]
  for (const v of values) {
    const i = BOUNDS.findIndex((b) => v <= b)
    counts[i === -1 ? BOUNDS.length : i]!++
  }
  assert.equal(series.add(counts, values.reduce((a, b) => a + b, 0), values.length), true)
  assert.equal(await exposition(batched), await exposition(viaApi))
  // reset() replaces the series map; the next add must land in the new one.
  batched.reset()
  viaApi.reset()
  viaApi.labels('a').observe(0.5)
  assert.equal(series.add([0, 0, 1, 0], 0.5, 1), true)
  assert.equal(await exposition(batched), await exposition(viaApi))
})

test('an unknown layout is refused, not written into', () => {
  const h = histogram() as unknown as { upperBounds: unknown }
  h.upperBounds = undefined
  assert.equal(seriesBuckets(h as unknown as Histogram<string>, 'route', 'a'), undefined)
})
