// The two reload triggers besides the admin endpoint: an edit of the config file (debounced
// fs.watch) and SIGHUP. Each must swap in the new routes without a restart.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { send, startGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'

const yaml = (upstream: string, paths: string[]): string => `
upstreams: { up: { targets: [{ url: ${upstream} }] } }
routes:
${paths.map(p => `  - { name: r${p.slice(1)}, match: { path: ${p} }, upstream: up }`).join('\n')}
`

/** Polls until `path` answers `status`: fs events and signals arrive when they arrive. */
async function until (url: string, path: string, status: number): Promise<void> {
  const deadline = Date.now() + 5000
  for (;;) {
    if ((await send(url, path)).status === status) return
    if (Date.now() > deadline) throw new Error(`${path} never answered ${status}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

test('a saved config file and a SIGHUP each reload the gateway', { timeout: 20_000 }, async (t) => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url, ['/a']))
  const unwatch = gw.gateway.watch()
  t.after(async () => { unwatch(); await gw.close(); await up.close() })

  assert.equal((await send(gw.url, '/b')).status, 404)
  writeFileSync(gw.file, `server: { port: 0 }\n${yaml(up.url, ['/a', '/b'])}`)
  await until(gw.url, '/b', 200)

  // With the watcher stopped, only the signal can bring the next change in.
  unwatch()
  writeFileSync(gw.file, `server: { port: 0 }\n${yaml(up.url, ['/a', '/b', '/c'])}`)
  const hup = gw.gateway.watch()
  t.after(hup)
  process.kill(process.pid, 'SIGHUP')
  await until(gw.url, '/c', 200)
  assert.equal((await send(gw.url, '/a')).status, 200)
})

test('a lost file watch is logged at error level, re-armed, and picks up the file again', { timeout: 20_000 }, async (t) => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url, ['/a']))
  const unwatch = gw.gateway.watch()
  t.after(async () => { unwatch(); await gw.close(); await up.close() })
  const logged = async (msg: RegExp): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 5000
    for (;;) {
      const line = gw.logs.find(l => msg.test(String(l.msg)))
      if (line !== undefined) return line
      if (Date.now() > deadline) throw new Error(`no log line ${msg}`)
      await new Promise(resolve => setTimeout(resolve, 25))
    }
  }

  // A deploy that replaces the whole directory: the watch on the old one is dead.
  rmSync(dirname(gw.file), { recursive: true })
  const lost = await logged(/config file watch lost/)
  assert.equal(lost.level, 50)
  mkdirSync(dirname(gw.file))
  writeFileSync(gw.file, `server: { port: 0 }\n${yaml(up.url, ['/a', '/b'])}`)
  await logged(/config file watch re-armed/)
  await until(gw.url, '/b', 200)
})
