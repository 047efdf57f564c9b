// Issue 13: Node's process metrics under the sluice_ prefix, sluice_build_info{version} and
// sluice_config_info{hash}, read from a running gateway's registry (what GET /metrics serves); the
// hash follows a reload that changes the config, and only then.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { packageVersion } from '../../src/version.js'
import { startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import type { TestUpstream } from '../helpers/upstream.js'

let up: TestUpstream
let gw: TestGateway
const yaml = (route: string): string => `
admin: { host: 127.0.0.1, port: 0 }
upstreams: { a: { targets: [{ url: ${up.url} }] } }
routes: [{ name: ${route}, match: { path: / }, upstream: a }]
`

before(async () => {
  up = await startUpstream('up')
  gw = await startGateway(yaml('one'))
})

after(async () => {
  await gw.close()
  await up.close()
})

/** The exposition text, as a scrape gets it. */
async function scrape (): Promise<string> {
  const registry = gw.gateway.metrics.registry
  return registry.metrics()
}

const series = (text: string, name: string): string[] => text.split('\n').filter(l => l.startsWith(`${name}{`) || l.startsWith(`${name} `))

test('Node default metrics are exported with the sluice_ prefix', async () => {
  const text = await scrape()
  for (const name of [
    'sluice_process_cpu_seconds_total',
    'sluice_process_resident_memory_bytes',
    'sluice_nodejs_eventloop_lag_seconds',
    'sluice_nodejs_heap_size_used_bytes',
    'sluice_nodejs_active_handles',
  ]) {
    assert.ok(series(text, name).length > 0, `${name} is exported`)
  }
  // Its series appear with the first collection of each GC kind.
  assert.match(text, /^# TYPE sluice_nodejs_gc_duration_seconds histogram$/m)
  assert.doesNotMatch(text, /^process_|^nodejs_/m, 'nothing unprefixed')
})

test('sluice_build_info carries the package version', async () => {
  assert.deepEqual(series(await scrape(), 'sluice_build_info'), [`sluice_build_info{version="${packageVersion()}"} 1`])
})

test('sluice_config_info carries the config hash, changes on a reload that changes the config, one series at a time', async () => {
  const hashOf = async (): Promise<string> => {
    const lines = series(await scrape(), 'sluice_config_info')
    assert.equal(lines.length, 1, lines.join('\n'))
    const m = /^sluice_config_info\{hash="([0-9a-f]{16})"\} 1$/.exec(lines[0]!)
    assert.ok(m, lines[0])
    return m[1]!
  }
  const first = await hashOf()
  assert.equal((await gw.reload(yaml('one'))).ok, true)
  assert.equal(await hashOf(), first, 'the same config keeps its hash')
  assert.equal((await gw.reload(yaml('two'))).ok, true)
  const second = await hashOf()
  assert.notEqual(second, first)
  assert.equal((await gw.reload('routes: [')).ok, false)
  assert.equal(await hashOf(), second, 'a failed reload keeps the hash of the config in service')
})
