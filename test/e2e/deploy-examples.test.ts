// examples/deploy/ as docs/deploy.md describes it: the systemd unit passes `systemd-analyze verify`
// and leaves the drain its time; the Kubernetes manifest's config loads, and its mount, ports,
// probes and grace period agree with that config.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { loadConfigText } from '../../src/config/load.js'
import { parseDuration } from '../../src/core/duration.js'

const DEPLOY = new URL('../../examples/deploy/', import.meta.url)
const read = (file: string): string => readFileSync(new URL(file, DEPLOY), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'sluice-deploy-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0

test('sluice.service passes systemd-analyze verify', { skip: hasSystemdAnalyze ? false : 'systemd-analyze is not installed' }, () => {
  // verify insists that ExecStart's binary exists; a stand-in takes the place of the global install.
  const shim = join(dir, 'sluice')
  writeFileSync(shim, '#!/bin/sh\n')
  chmodSync(shim, 0o755)
  const unit = join(dir, 'sluice.service')
  writeFileSync(unit, read('sluice.service').replaceAll('/usr/local/bin/sluice', shim))
  // verify exits 0 on most remarks (an unparsable value is "ignored"), so any output is a failure.
  const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(`${r.stdout}${r.stderr}`, '', 'systemd-analyze has remarks about the unit')
})

test('sluice.service runs start and validate from SLUICE_CONFIG and outlasts the default drain', () => {
  const unit = read('sluice.service')
  assert.match(unit, /^Environment=SLUICE_CONFIG=\/etc\/sluice\/sluice\.yaml$/m)
  assert.match(unit, /^ExecStartPre=\/usr\/local\/bin\/sluice validate$/m)
  assert.match(unit, /^ExecStart=\/usr\/local\/bin\/sluice start$/m)
  assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m)
  const stop = /^TimeoutStopSec=(\d+)s$/m.exec(unit)
  assert.ok(stop, 'TimeoutStopSec in seconds')
  const drain = loadConfigText('upstreams: {}\nroutes: []\n', 'x.yaml', {}).server.drainTimeout
  assert.ok(Number(stop[1]) * 1000 > parseDuration(drain), `TimeoutStopSec must exceed the default drain (${drain})`)
})

interface Container {
  args?: string[]
  env?: Array<{ name: string, value?: string }>
  ports?: Array<{ name: string, containerPort: number }>
  readinessProbe?: { httpGet: { path: string, port: string } }
  livenessProbe?: { httpGet: { path: string, port: string } }
  lifecycle?: { preStop?: { exec?: { command: string[] } } }
  volumeMounts?: Array<{ name: string, mountPath: string, subPath?: string }>
}

test('kubernetes.yaml: the ConfigMap config loads, and the Deployment mounts, probes and waits for it correctly', () => {
  const docs = parseAllDocuments(read('kubernetes.yaml')).map((d) => {
    assert.deepEqual(d.errors, [])
    return d.toJS() as { kind: string, metadata: { name: string }, data?: Record<string, string>, spec?: any }
  })
  const configMap = docs.find((d) => d.kind === 'ConfigMap')!
  const deployment = docs.find((d) => d.kind === 'Deployment')!
  assert.ok(configMap && deployment && docs.some((d) => d.kind === 'Service'))
  const pod = deployment.spec.template.spec as {
    terminationGracePeriodSeconds: number
    containers: Container[]
    volumes: Array<{ name: string, configMap?: { name: string } }>
  }
  const container = pod.containers[0]!
  const configPath = container.env?.find((e) => e.name === 'SLUICE_CONFIG')?.value
  assert.ok(configPath, 'SLUICE_CONFIG is set')
  assert.deepEqual(container.args, ['start'])

  const text = configMap.data?.[basename(configPath)]
  assert.ok(text, `the ConfigMap has a key ${basename(configPath)}`)
  const warnings: string[] = []
  const config = loadConfigText(text, 'configmap.yaml', { SLUICE_ADMIN_TOKEN: 'x'.repeat(48) }, (w) => warnings.push(w))
  assert.deepEqual(warnings, [])
  assert.equal(config.server.host, '0.0.0.0')
  assert.equal(config.admin.host, '0.0.0.0')

  // A directory mount of the ConfigMap at the config's directory: only that sees updates.
  const volume = pod.volumes.find((v) => v.configMap?.name === configMap.metadata.name)
  assert.ok(volume, 'the ConfigMap is a volume')
  const mount = container.volumeMounts?.find((m) => m.name === volume.name)
  assert.ok(mount)
  assert.equal(mount.mountPath, dirname(configPath))
  assert.equal(mount.subPath, undefined, 'a subPath mount never sees ConfigMap updates')

  const port = (name: string): number | undefined => container.ports?.find((p) => p.name === name)?.containerPort
  assert.equal(port('http'), config.server.port)
  assert.equal(port('admin'), config.admin.port)
  assert.deepEqual(container.readinessProbe?.httpGet, { path: '/readyz', port: 'admin' })
  assert.deepEqual(container.livenessProbe?.httpGet, { path: '/healthz', port: 'admin' })
  const preStop = container.lifecycle?.preStop?.exec?.command
  const preStopMs = preStop?.[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0
  assert.ok(pod.terminationGracePeriodSeconds * 1000 > preStopMs + parseDuration(config.server.drainTimeout),
    'the grace period covers the preStop wait and the drain')
})
