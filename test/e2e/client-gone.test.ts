// Every exchange ends when its client goes, whatever state it is in: the one on the socket, the
// pipelined ones queued behind it, the ones waiting for a pool slot. The pool recovers and the
// in-flight gauge returns to 0.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { send, startGateway } from '../helpers/gateway.js'
import type { TestGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import { until, within } from '../helpers/wait.js'

const yaml = (url: string): string => `
upstreams:
  up:
    targets: [{ url: ${url} }]
    pool: { connections: 4 }
routes: [{ name: all, match: { path: / }, upstream: up }]
logging: { accessLog: false }
`

async function inFlight (gw: TestGateway): Promise<number> {
  const m = await gw.gateway.metrics.httpInFlight.get()
  return m.values[0]?.value ?? 0
}

function pipelined (port: number, n: number): Socket {
  const s = connect(port, '127.0.0.1')
  s.on('error', () => {})
  let head = ''
  for (let i = 0; i < n; i++) head += `GET /held/${i} HTTP/1.1\r\nHost: x\r\nX-Mode: hold\r\n\r\n`
  s.write(head)
  return s
}

test('10 clients × 3 pipelined GETs behind a full pool, then gone: the pool recovers and nothing stays in flight', async () => {
  const up = await startUpstream('up')
  const gw = await startGateway(yaml(up.url))
  try {
    const clients = Array.from({ length: 10 }, () => pipelined(gw.port, 3))
    await up.waitForHeld(4)
    await until('all 30 requests in flight', async () => await inFlight(gw) === 30)
    // A reset, not a FIN: a FIN is a half-close after which the client may still read its answers
    // (RFC 9112 §9.6), so those exchanges rightly run on until answered or timed out.
    for (const c of clients) c.resetAndDestroy()
    await until('the in-flight gauge back at 0', async () => await inFlight(gw) === 0)
    const r = await within(send(gw.url, '/after'), 3000, 'the pool stayed exhausted')
    assert.equal(r.status, 200)
    // Only the 4 requests that reached the upstream before the clients left were ever sent.
    assert.equal(up.requests, 5)
    await until('upstream sockets of the abandoned requests closed', () => up.openSockets <= 1)
  } finally {
    await gw.close()
    await up.close()
  }
})
