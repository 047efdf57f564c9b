import assert from 'node:assert/strict'
import { test } from 'node:test'
import { systemClock } from '../../core/clock.js'
import type { GatewayConfig, RouteConfig } from '../../config/schema/index.js'
import { createLogger } from '../../observability/logger.js'
import { createMetrics } from '../../observability/metrics.js'
import { ResourceRegistry } from '../resources.js'
import { SlotAllocator } from '../slots.js'
import { StageBuilder } from './index.js'

const deps = {
  clock: systemClock,
  random: Math.random,
  logger: createLogger({ level: 'silent' }),
  metrics: createMetrics(),
  trustedProxies: [],
  slots: new SlotAllocator(),
  config: { routes: [], upstreams: {} } as unknown as GatewayConfig,
  resources: new ResourceRegistry().begin(),
  baseDir: process.cwd(),
}

function route (name: string, extra: Partial<RouteConfig> = {}): RouteConfig {
  return { name, match: { path: '/' }, priority: 0, upstream: 'a', preserveHost: false, ...extra }
}

function config (routes: RouteConfig[], extra: Partial<GatewayConfig> = {}): GatewayConfig {
  return { routes, upstreams: {}, ...extra } as unknown as GatewayConfig
}

test('built-in stages first; a route without configured stages shares the built-in list', () => {
  const a = route('a')
  const b = route('b')
  const builder = new StageBuilder(config([a, b]), deps)
  const stages = builder.forRoute(a)
  assert.deepEqual(stages.map(s => s.name), ['requestId', 'forwarded'])
  assert.equal(builder.forRoute(b), stages)
})

test('equal options, written in any key order, share one instance per build; different options do not', () => {
  const a = route('a', { headers: { response: { 'x-a': '1', 'x-b': '2' } } })
  const b = route('b', { headers: { response: { 'x-b': '2', 'x-a': '1' } } })
  const c = route('c', { headers: { response: { 'x-a': 'other' } } })
  const builder = new StageBuilder(config([a, b, c]), deps)
  const [sa, sb, sc] = [a, b, c].map(r => builder.forRoute(r).at(-1)!)
  assert.equal(sa!.name, 'headers')
  assert.equal(sa, sb)
  assert.notEqual(sa, sc)
  const next = new StageBuilder(config([a]), deps)
  assert.notEqual(next.forRoute(a).at(-1), sa, 'a new snapshot builds its own')
})

test('the top-level default applies to routes that do not set the key, shared by all of them', () => {
  const a = route('a')
  const b = route('b')
  const own = route('own', { headers: { response: { 'x-own': '1' } } })
  const builder = new StageBuilder(config([a, b, own], { headers: { response: { 'x-default': '1' } } }), deps)
  assert.deepEqual(builder.forRoute(a).map(s => s.name), ['requestId', 'forwarded', 'headers'])
  assert.equal(builder.forRoute(a).at(-1), builder.forRoute(b).at(-1))
  assert.notEqual(builder.forRoute(own).at(-1), builder.forRoute(a).at(-1))
})
