// server.requestBuffering: 300 slow uploaders to one upstream (more than its 128 pool connections)
// do not stop GETs to the same upstream, because small bodies are read before a connection is taken.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { send, startGateway } from '../helpers/gateway.js'
import { startUpstream } from '../helpers/upstream.js'
import { until, within } from '../helpers/wait.js'

const UPLOADERS = 300

const yaml = (url: string, buffering: string): string => `
server: { port: 0, requestBuffering: ${buffering}, timeouts: { body: 1m } }
upstreams: { up: { targets: [{ url: ${url} }], timeouts: { response: 1h } } }
routes: [{ name: all, match: { path: / }, upstream: up }]
logging: { accessLog: false }
`

for (const [buffering, served] of [['1mb', true], ['0', false]] as const) {
  const outcome = served ? 'GETs are served' : 'GETs queue behind the uploads'
  test(`${UPLOADERS} slow uploaders and GETs to one upstream, requestBuffering ${buffering}: ${outcome}`, async () => {
    const up = await startUpstream('up')
    const gw = await startGateway(yaml(up.url, buffering))
    const uploaders: Socket[] = []
    try {
      for (let i = 0; i < UPLOADERS; i++) {
        const s = connect(gw.port, '127.0.0.1')
        s.on('error', () => {})
        // Half of a 1,000-byte body, then nothing: a client on a very slow link.
        s.write(`POST /upload/${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(500)}`)
        uploaders.push(s)
      }
      await until('every upload in flight', async () =>
        ((await gw.gateway.metrics.httpInFlight.get()).values[0]?.value ?? 0) === UPLOADERS)
      if (served) {
        for (let i = 0; i < 3; i++) {
          const r = await within(send(gw.url, `/get/${i}`), 3000, 'a GET got no answer')
          assert.equal(r.status, 200, r.body)
        }
        // Buffered uploads never took an upstream connection.
        assert.equal(up.requests, 3)
      } else {
        await assert.rejects(within(send(gw.url, '/get'), 1000, 'no answer'), /no answer/)
        assert.equal(up.requests, 128, 'the streamed uploads hold every pool connection')
      }
    } finally {
      for (const s of uploaders) s.destroy()
      await gw.close()
      await up.close()
    }
  })
}
