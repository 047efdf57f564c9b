// GET /admin/upstreams shows what health checks decided: a target whose server is gone turns
// unhealthy with a failing probe, a passive-health upstream counts failures per target, and a
// guarded upstream shows its breaker, limit and saturation.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '../../src/cli/serve.js'
import { startUpstream } from '../helpers/upstream.js'
import { until } from '../helpers/wait.js'

const TOKEN = 'health-admin-token-0123456789'

interface Targets { upstreams: Array<{ name: string, targets: Array<Record<string, unknown>>, [k: string]: unknown }> }

test('active and passive health in /admin/upstreams', { timeout: 30_000 }, async (t) => {
  const [a, b] = [await startUpstream('a'), await startUpstream('b')]
  t.after(() => Promise.all([a.close(), b.close()]))
  const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-health-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const configPath = join(dir, 'sluice.yaml')
  writeFileSync(configPath, `server: { port: 0 }
admin: { port: 0, token: ${TOKEN} }
logging: { level: silent, accessLog: false }
upstreams:
  probed:
    healthCheck: { active: { path: /, interval: 300ms, timeout: 300ms, unhealthyThreshold: 1, healthyThreshold: 1 } }
    targets: [{ url: ${a.url} }, { url: ${b.url} }]
  watched:
    healthCheck: { passive: { consecutiveFailures: 5 } }
    targets: [{ url: ${b.url} }]
  guarded:
    circuitBreaker: { consecutiveFailures: 1, openFor: 1h }
    limits: { maxRequests: 4 }
    targets: [{ url: ${b.url} }]
routes:
  - { name: w, match: { path: / }, upstream: watched }
  - { name: g, match: { path: /g }, upstream: guarded }
`)
  const running = await serve({ configPath, watch: false })
  t.after(() => running.stop())
  const view = async (): Promise<Targets> =>
    await (await fetch(`${running.adminUrl}/admin/upstreams`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Targets
  const target = (v: Targets, up: string, url: string) =>
    v.upstreams.find(u => u.name === up)!.targets.find(x => x.url === url)!

  await until('both probes pass', async () => {
    const v = await view()
    return target(v, 'probed', a.url).activeCheck === 'passing' && target(v, 'probed', b.url).activeCheck === 'passing'
  })
  assert.equal(target(await view(), 'watched', b.url).passiveFailures, 0)
  assert.equal(target(await view(), 'watched', b.url).activeCheck, undefined, 'no probe there: the field is absent')
  const upstream = (v: Targets, name: string) => {
    const { targets: _, ...u } = v.upstreams.find(x => x.name === name)!
    return u
  }
  assert.deepEqual(upstream(await view(), 'guarded'),
    { name: 'guarded', balancer: 'round-robin', inFlight: 0, breaker: 'closed', limit: 4, saturation: 0 })
  assert.deepEqual(upstream(await view(), 'watched'), { name: 'watched', balancer: 'round-robin', inFlight: 0 }, 'no breaker, no limits: absent')

  await b.close()
  await until('the stopped target is unhealthy', async () => {
    const v = await view()
    return target(v, 'probed', b.url).health === 'unhealthy'
  })
  const v = await view()
  assert.equal(target(v, 'probed', b.url).activeCheck, 'failing')

  const res = await fetch(running.gatewayUrl + '/')
  assert.equal(res.status, 502)
  await res.arrayBuffer()
  // The refused connection opens the breaker (consecutiveFailures: 1), so the default retry on
  // connect-failure, which goes through the breaker, is refused: 503 with the breaker's code.
  const g = await fetch(running.gatewayUrl + '/g')
  assert.equal(g.status, 503)
  assert.equal((await g.json() as { error: { code: string } }).error.code, 'SLC_CIRCUIT_OPEN')
  assert.equal(upstream(await view(), 'guarded').breaker, 'open')
  const after = target(await view(), 'watched', b.url)
  // Two tries: the refused connection, and the default retry on connect-failure (one target: the same).
  assert.equal(after.passiveFailures, 2)
  assert.deepEqual(after.lastAttempt, { code: 0, noResponseInRow: 2 })
})
