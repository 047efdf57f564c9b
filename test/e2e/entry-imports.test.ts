// `sluice/dispatcher` must not load the gateway's dependencies: a script that only calls suppliers
// should not pay for (or audit) pino, prom-client, yaml and jose. Each entry is imported in a
// child process whose module loader records every module it resolves.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { packagesLoadedBy } from '../helpers/imports.js'

const GATEWAY_ONLY = ['pino', 'prom-client', 'yaml', 'jose']

const src = (path: string): string => new URL(`../../src/${path}`, import.meta.url).href

test('importing the dispatcher entry loads none of the gateway\'s dependencies', async () => {
  const loaded = await packagesLoadedBy(src('dispatcher/index.ts'))
  assert.ok(loaded.has('undici'), `the recorder saw the dispatcher's own dependencies: ${[...loaded].join(', ')}`)
  for (const name of GATEWAY_ONLY) assert.ok(!loaded.has(name), `sluice/dispatcher loaded ${name}`)
})

test('the gateway entry and the root entry do load them (the check above can fail)', async () => {
  for (const entry of ['gateway/index.ts', 'index.ts']) {
    const loaded = await packagesLoadedBy(src(entry))
    for (const name of ['pino', 'prom-client', 'yaml']) assert.ok(loaded.has(name), `${entry} did not load ${name}`)
  }
})
