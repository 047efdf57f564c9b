// The dispatcher names itself to suppliers as `sluice/<version>` unless the supplier's headers or
// the request set a user-agent, in any letter case; exactly one user-agent header is sent.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import { startSupplier } from '../helpers/supplier-server.js'

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

test('user-agent: sluice/<version> by default, overridden by supplier headers or the request, sent once', async () => {
  const agents: string[][] = []
  const server = await startSupplier({
    handler: (req, res) => {
      const raw = req.rawHeaders
      agents.push(raw.filter((_, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'user-agent'))
      res.end('ok')
    },
  })
  const d = createDispatcher({
    suppliers: {
      plain: { baseUrl: server.url },
      named: { baseUrl: server.url, headers: { 'User-Agent': 'acme-billing/2.1' } },
    },
  })
  try {
    await d.request({ supplier: 'plain', path: '/' })
    await d.request({ supplier: 'plain', path: '/', headers: { 'USER-AGENT': 'per-call/1' } })
    await d.request({ supplier: 'named', path: '/' })
    await d.request({ supplier: 'named', path: '/', headers: { 'user-agent': 'per-call/2' } })
    assert.deepEqual(agents, [[`sluice/${version}`], ['per-call/1'], ['acme-billing/2.1'], ['per-call/2']])
  } finally {
    await d.close()
    await server.close()
  }
})
