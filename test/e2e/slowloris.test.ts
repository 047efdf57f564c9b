// A slowloris attack against a real `sluice start` process: 1,000 connections that trickle a head
// and never finish it, more than server.maxConnections. A normal client keeps being served the whole
// time, and every attacking connection is closed by the gateway (408 at the head timeout, or evicted
// by a newcomer at the cap) instead of being held open.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { connect } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSluice } from '../helpers/sluice-process.js'
import { within } from '../helpers/wait.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-slowloris-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const ATTACKERS = 1000

test('under a slowloris attack of 1,000 connections a normal client keeps being served', async (t) => {
  const upstream = createServer((_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => upstream.close(() => resolve())))
  writeFileSync(join(dir, 'sluice.yaml'), `server:
  port: 0
  maxConnections: 400
  timeouts: { headers: 1s }
admin: { port: 0 }
logging: { level: info, accessLog: false }
upstreams: { app: { targets: [{ url: http://127.0.0.1:${(upstream.address() as AddressInfo).port} }] } }
routes: [{ name: app, match: { path: / }, upstream: app }]
`)
  const sluice = spawnSluice(['start', '-c', 'sluice.yaml'], dir)
  t.after(() => { sluice.child.kill('SIGKILL') })
  const [, gw] = await sluice.waitFor(/"url":"(http:\/\/[^"]+)"/)
  const port = Number(new URL(gw!).port)

  const attackers: Socket[] = []
  const closedBy408: boolean[] = []
  let open = 0
  const trickle = setInterval(() => {
    for (const s of attackers) if (!s.destroyed) s.write('X-Slow: 1\r\n')
  }, 250)
  t.after(() => {
    clearInterval(trickle)
    for (const s of attackers) s.destroy()
  })
  const allClosed = new Promise<void>((resolve) => {
    for (let i = 0; i < ATTACKERS; i++) {
      const s = connect(port, '127.0.0.1')
      let text = ''
      open++
      s.on('data', (c: Buffer) => { text += c.toString('latin1') })
      s.on('error', () => {})
      s.on('close', () => {
        closedBy408.push(text.startsWith('HTTP/1.1 408 '))
        if (--open === 0) resolve()
      })
      s.write('GET / HTTP/1.1\r\nHost: x\r\n')
      attackers.push(s)
    }
  })

  // The normal client asks, one request after another, for as long as the attack lasts. Counting
  // what it got while attackers were still open (not what it got in a fixed wall-clock span) keeps
  // the test meaningful on a loaded machine, where the attack and the client slow down together.
  const attackStart = Date.now()
  const attack = { over: false }
  allClosed.then(() => { attack.over = true }, () => {})
  const latencies: number[] = []
  let servedDuringAttack = 0
  while (!attack.over && Date.now() - attackStart < 15_000) {
    const t0 = Date.now()
    const res = await fetch(`${gw}/`, { signal: AbortSignal.timeout(5000), headers: { connection: 'close' } })
    assert.equal(res.status, 200)
    assert.equal(await res.text(), 'ok')
    latencies.push(Date.now() - t0)
    if (open > 0) servedDuringAttack++
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  assert.ok(servedDuringAttack >= 5, `only ${servedDuringAttack} requests served while the attack lasted`)

  await within(allClosed, 15_000, 'attacking connections still open')
  const closedAt = Date.now() - attackStart
  assert.equal(closedBy408.length, ATTACKERS)
  assert.ok(closedBy408.some(x => x), 'none was answered 408 at the head timeout')
  t.diagnostic(`normal client: ${latencies.length} requests, max ${Math.max(...latencies)} ms; ` +
    `every attacker closed ${closedAt} ms after the attack began; ` +
    `attackers answered 408: ${closedBy408.filter(x => x).length}, closed without an answer: ${closedBy408.filter(x => !x).length}`)
  sluice.child.kill('SIGTERM')
  assert.equal(await sluice.exited(), 0, sluice.output())
})
