// SIGUSR1 reloads like SIGHUP (issue 13; seed 003 sends SIGUSR1), in a real `sluice start` process,
// single and with workers (the primary forwards it). The config file is not touched, so the only
// trigger of the "config reloaded" lines is the signal. Node would otherwise use SIGUSR1 to open
// its inspector, which the test would see as no reload.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSluice } from '../helpers/sluice-process.js'
import { within } from '../helpers/wait.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-usr1-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const reloads = (out: string): number => out.split('\n').filter(l => l.includes('"msg":"config reloaded"')).length

for (const workers of [1, 2]) {
  test(`SIGUSR1 reloads the config (server.workers: ${workers})`, { timeout: 60_000 }, async (t) => {
    const file = join(dir, `w${workers}.yaml`)
    writeFileSync(file, `server: { host: 127.0.0.1, port: 0, workers: ${workers} }
admin: { host: 127.0.0.1, port: 0 }
logging: { level: info, accessLog: false }
upstreams: { app: { targets: [{ url: http://127.0.0.1:9 }] } }
routes: [{ name: app, match: { path: / }, upstream: app }]
`)
    const sluice = spawnSluice(['start', '-c', file], dir)
    t.after(() => { sluice.child.kill('SIGKILL') })
    await sluice.waitFor(new RegExp(`(?:"msg":"sluice listening[^]*){${workers}}`))
    assert.equal(reloads(sluice.output()), 0)
    sluice.child.kill('SIGUSR1')
    await within(sluice.waitFor(new RegExp(`(?:"msg":"config reloaded"[^]*){${workers}}`)), 15_000, 'the reload after SIGUSR1')
    assert.equal(reloads(sluice.output()), workers, 'each worker reloaded once')
    assert.doesNotMatch(sluice.output(), /Debugger listening/)
    sluice.child.kill('SIGTERM')
    assert.equal(await sluice.exited(), 0, sluice.output())
  })
}
