// A too-short admin.token is a config error that names its place but never its value: not in
// `sluice validate`, not in the reload log line, not in the /admin/reload reply.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { serve } from '../../src/cli/serve.js'
import { validateCommand } from '../../src/config/validate-command.js'
import { createLogger } from '../../src/observability/logger.js'

const TOKEN = 'admin-token-0123456789abcdef'
const SHORT = 'hunter2-secret'

const yaml = (token: string): string => `server: { host: 127.0.0.1, port: 0 }
admin: { host: 127.0.0.1, port: 0, token: ${token} }
upstreams: { a: { targets: [{ url: "http://127.0.0.1:9" }] } }
routes: [{ name: a, match: { path: / }, upstream: a }]
`

test('a too-short admin.token is reported with its position and without its value', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-token-'))
  const file = join(dir, 'sluice.yaml')
  const logs: string[] = []
  const destination = new Writable({ write (chunk, _enc, cb) { logs.push(String(chunk)); cb() } })
  writeFileSync(file, yaml(TOKEN))
  const running = await serve({ configPath: file, watch: false, logger: createLogger({ level: 'info', destination }) })
  t.after(async () => {
    await running.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  writeFileSync(file, yaml(SHORT))
  const validated = await validateCommand(file)
  assert.equal(validated.ok, false)
  assert.equal(validated.output, `${file}:2:43 admin.token: must be at least 16 characters`)

  const res = await fetch(`${running.adminUrl}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })
  const text = await res.text()
  assert.equal(res.status, 400)
  assert.match(text, /sluice\.yaml:2:43 admin\.token: must be at least 16 characters/)
  assert.ok(!text.includes(SHORT), text)
  running.logger.flush()
  const log = logs.join('')
  assert.match(log, /config reload failed/)
  assert.ok(!log.includes(SHORT), log)

  for (const value of ['12345', '[a, list]']) {
    writeFileSync(file, yaml(value))
    const out = (await validateCommand(file)).output
    assert.match(out, /:2:\d+ admin\.token: /)
    assert.ok(!out.includes('12345') && !out.includes('a list'), out)
  }
})
