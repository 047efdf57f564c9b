// Every check the snapshot builders make also runs in validation, with a location: for each
// case, the config passes the schema, would fail `buildSnapshot` if validation let it through, and
// `sluice validate` reports it as file:line:col key.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../core/clock.js'
import { ResourceRegistry } from '../gateway/resources.js'
import { buildSnapshot } from '../gateway/snapshot.js'
import { createLogger } from '../observability/logger.js'
import { createMetrics } from '../observability/metrics.js'
import { loadYamlText } from './load-yaml.js'
import { GatewayConfigSchema } from './schema/index.js'
import { validateCommand } from './validate-command.js'

/** Lines 1-3 and 5-6 are fixed; each case supplies line 4 (the rest of upstream `u`). */
const config = (line4: string): string => [
  'upstreams:',
  '  u:',
  '    targets: [{ url: "http://127.0.0.1:9001" }]',
  `    ${line4}`,
  'routes:',
  '  - { name: r, match: { path: / }, upstream: u }',
  '',
].join('\n')

const failing: Array<{ desc: string, text: string, want: string }> = [
  {
    desc: 'an affinity cookie name that is not an RFC 6265 token',
    text: config('affinity: { cookie: "sticky session" }'),
    want: '4:25 upstreams.u.affinity.cookie: "sticky session" is not a valid cookie name (an RFC 6265 token: letters, digits and !#$%&\'*+-.^_`|~)',
  },
  {
    desc: 'an affinity ttl of zero',
    text: config('affinity: { cookie: s, ttl: 0 }'),
    want: '4:33 upstreams.u.affinity.ttl: must be at least 1ms (got 0)',
  },
  {
    desc: 'an affinity ttl that rounds to zero',
    text: config('affinity: { cookie: s, ttl: 0.4ms }'),
    want: '4:33 upstreams.u.affinity.ttl: must be at least 1ms (got "0.4ms")',
  },
  {
    desc: 'two targets with one origin (default port spelled out)',
    text: config('balancer: random\n    targets: [{ url: "http://127.0.0.1:80" }, { url: "http://127.0.0.1" }]').replace('    targets: [{ url: "http://127.0.0.1:9001" }]\n', ''),
    want: '4:54 upstreams.u.targets[1].url: duplicate target: same origin as targets[0] (http://127.0.0.1)',
  },
  {
    desc: 'two targets whose hosts differ only in case',
    text: config('targets: [{ url: "http://A.test:1" }, { url: "http://a.test:1" }]').replace('    targets: [{ url: "http://127.0.0.1:9001" }]\n', ''),
    want: '3:50 upstreams.u.targets[1].url: duplicate target: same origin as targets[0] (http://a.test:1)',
  },
  {
    desc: 'a target port out of range',
    text: config('pool: { connections: 1 }').replace('9001', '99999'),
    want: '3:22 upstreams.u.targets[0].url: "http://127.0.0.1:99999" is not a valid URL',
  },
  {
    desc: 'a target with an unclosed IPv6 bracket',
    text: config('pool: { connections: 1 }').replace('127.0.0.1:9001', '[::1'),
    want: '3:22 upstreams.u.targets[0].url: "http://[::1" is not a valid URL',
  },
]

const deps = () => ({
  clock: systemClock,
  random: Math.random,
  logger: createLogger({ level: 'silent' }),
  metrics: createMetrics(),
  affinityKey: Buffer.alloc(32),
  resources: new ResourceRegistry(),
})

test('each build-time check runs in validation, with a location', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-build-checks-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  for (const [i, c] of failing.entries()) {
    await t.test(c.desc, async () => {
      // Without the cross-checks the schema alone accepts it, and the build throws.
      const unchecked = loadYamlText(c.text, 'x.yaml', GatewayConfigSchema, undefined, {})
      assert.throws(() => buildSnapshot(unchecked, undefined, deps()))
      const file = join(dir, `case-${i}.yaml`)
      writeFileSync(file, c.text)
      assert.deepEqual(await validateCommand(file), { ok: false, output: `${file}:${c.want}` })
    })
  }
})

test('configs at the edge of those checks validate and build', () => {
  for (const line4 of [
    'affinity: { cookie: "__Host-s.1", ttl: 1ms }',
    'pool: { connections: 1 }\n    # same host, another port\n  v: { targets: [{ url: "http://127.0.0.1:9002" }, { url: "https://127.0.0.1:9001" }] }',
  ]) {
    const text = config(line4).replace('http://127.0.0.1:9001', 'http://[::1]:9001')
    const cfg = loadYamlText(text, 'x.yaml', GatewayConfigSchema, undefined, {})
    const snap = buildSnapshot(cfg, undefined, deps())
    for (const target of snap.targets) target.close()
  }
})
