import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validateCommand } from './validate-command.js'

test('validateCommand', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-validate-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))

  await t.test('a valid file prints ok', async () => {
    const example = fileURLToPath(new URL('../../examples/gateway.yaml', import.meta.url))
    assert.deepEqual(await validateCommand(example), { ok: true, output: 'ok' })
  })

  await t.test('an invalid file prints every issue, one per line', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'server:\n  port: x\nupstreams: {}\nroutes:\n  - { name: a, upstream: b }\n')
    assert.deepEqual(await validateCommand(file), {
      ok: false,
      output: [
        `${file}:2:9 server.port: expected an integer >= 0 (got "x")`,
        `${file}:5:5 routes[0]: missing required key "match"`,
      ].join('\n'),
    })
  })

  await t.test('a bare number under 1000 on a timeout key loads, with a located warning', async () => {
    const file = join(dir, 'ms.yaml')
    writeFileSync(file, [
      'server: { drainTimeout: 30, keepAliveTimeout: 5000 }',
      'upstreams:',
      '  a:',
      '    targets: [{ url: "http://127.0.0.1:9001" }]',
      '    timeouts: { connect: 5, response: 30s }',
      'routes: []',
      '',
    ].join('\n'))
    assert.deepEqual(await validateCommand(file), {
      ok: true,
      output: 'ok',
      warnings: [
        `warning: ${file}:1:25 server.drainTimeout: 30 is read as 30ms; write 30s if seconds were meant, or "30ms" to keep it and silence this warning`,
        `warning: ${file}:5:26 upstreams.a.timeouts.connect: 5 is read as 5ms; write 5s if seconds were meant, or "5ms" to keep it and silence this warning`,
      ],
    })
  })

  await t.test('a missing file is reported, not thrown', async () => {
    const file = join(dir, 'missing.yaml')
    assert.deepEqual(await validateCommand(file), { ok: false, output: `${file}: cannot read file (ENOENT)` })
  })
})
