// Every config in examples/ passes `sluice validate` as shipped, without a warning: they are what
// newcomers copy first. (What they do is walked in the README test and the demo tests.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

// examples/demo.yaml takes its addresses from `sluice demo`; these stand in for them.
const DEMO_ENV = {
  SLUICE_DEMO_ADMIN_TOKEN: 'x'.repeat(32),
  DEMO_USERS_1_URL: 'http://127.0.0.1:9001',
  DEMO_USERS_2_URL: 'http://127.0.0.1:9002',
  DEMO_ORDERS_URL: 'http://127.0.0.1:9003',
}

const examples = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.yaml')).sort()

test('examples/ holds the configs the README links to', () => {
  for (const f of ['gateway.yaml', 'path-routing.yaml', 'canary-header.yaml', 'sticky-sessions.yaml']) {
    assert.ok(examples.includes(f), f)
  }
})

for (const file of examples) {
  test(`sluice validate examples/${file}: ok, no warnings`, async () => {
    const r = await new Promise<{ code: number, stdout: string, stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', TSX, MAIN, 'validate', `examples/${file}`],
        { cwd: ROOT, env: { ...process.env, ...DEMO_ENV }, timeout: 20_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }))
    })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'ok\n')
    assert.equal(r.stderr, '')
  })
}
