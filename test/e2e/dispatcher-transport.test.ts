import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ManualClock } from '../../src/core/manual-clock.js'
import { createDispatcher } from '../../src/dispatcher/dispatcher.js'
import { normalizeOptions } from '../../src/dispatcher/options.js'

/** A supplier that hands each request to `handle` and reports requests whose client went away. */
async function withServer (
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  fn: (url: string, cut: () => Promise<string>) => Promise<void>
): Promise<void> {
  const waiting: ((url: string) => void)[] = []
  const server = createServer((req, res) => {
    res.on('close', () => { if (!res.writableFinished) waiting.shift()?.(req.url ?? '') })
    handle(req, res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    await fn(url, () => new Promise(resolve => waiting.push(resolve)))
  } finally {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
}

const received = (count: () => number, n: number) => new Promise<void>(resolve => {
  const poll = (): void => { if (count() >= n) resolve(); else setImmediate(poll) }
  poll()
})

test('the per-attempt timeout cuts the request on the wire, not only the promise', async () => {
  let count = 0
  await withServer(() => { count++ }, async (url, cut) => {
    const clock = new ManualClock()
    const d = createDispatcher({
      suppliers: { s: { baseUrl: url, timeouts: { request: '200ms' }, retry: false } },
      clock,
    })
    const call = d.request({ supplier: 's', path: '/stalls' })
    const closed = cut()
    await received(() => count, 1)
    await clock.tick(199)
    const early = await Promise.race([call.then(() => 'settled', () => 'settled'), new Promise(resolve => setTimeout(resolve, 20, 'pending'))])
    assert.equal(early, 'pending')
    await clock.tick(1)
    await assert.rejects(call, (err: { code?: string }) => err.code === 'SLC_UPSTREAM_TIMEOUT')
    assert.equal(await closed, '/stalls', 'the supplier saw the connection go')
    await d.close()
  })
})

test("the caller's signal aborts a request in flight: SLC_ABORTED, the caller's reason as its cause", async () => {
  let count = 0
  await withServer(() => { count++ }, async (url, cut) => {
    const d = createDispatcher({ suppliers: { s: { baseUrl: url, retry: false } } })
    const ac = new AbortController()
    const call = d.request({ supplier: 's', path: '/slow', signal: ac.signal })
    const closed = cut()
    await received(() => count, 1)
    const reason = new Error('caller left')
    ac.abort(reason)
    await assert.rejects(call, (err: Error & { code?: string }) => err.code === 'SLC_ABORTED' && err.cause === reason)
    assert.equal(await closed, '/slow')
    assert.equal(d.metrics().s!.inFlight, 0)
    await d.close()
  })
})

test('bodies are whole whether they arrive in one chunk or many', async () => {
  const big = 'x'.repeat(64 * 1024)
  await withServer((req, res) => {
    if (req.url === '/one') {
      res.end('single')
      return
    }
    res.write('a')
    setImmediate(() => { res.write(big); setImmediate(() => res.end('z')) })
  }, async (url) => {
    const d = createDispatcher({ suppliers: { s: { baseUrl: url } } })
    assert.equal((await d.request({ supplier: 's', path: '/one' })).text(), 'single')
    const many = await d.request({ supplier: 's', path: '/many' })
    assert.equal(many.body.length, big.length + 2)
    assert.equal(many.text(), `a${big}z`)
    await d.close()
  })
})

test('an answer larger than maxResponseSize fails with SLC_RESPONSE_TOO_LARGE, declared or streamed', async () => {
  const big = Buffer.alloc(64 * 1024, 'x')
  await withServer((req, res) => {
    if (req.url === '/declared') {
      res.setHeader('content-length', String(big.length))
      res.end(big)
    } else if (req.url === '/chunked') {
      // No length: the limit is found while reading. Chunks keep coming until the client goes.
      const timer = setInterval(() => res.write(big.subarray(0, 8192)), 1)
      res.on('close', () => clearInterval(timer))
    } else {
      res.end(big.subarray(0, 1000))
    }
  }, async (url, cut) => {
    const d = createDispatcher({ suppliers: { s: { baseUrl: url, maxResponseSize: '16kb', retry: false } } })
    try {
      const tooLarge = { code: 'SLC_RESPONSE_TOO_LARGE' }
      await assert.rejects(d.request({ supplier: 's', path: '/declared' }), tooLarge)
      const closed = cut()
      await assert.rejects(d.request({ supplier: 's', path: '/chunked' }), tooLarge)
      assert.equal(await closed, '/chunked', 'the endless answer is cut on the wire')
      const small = await d.request({ supplier: 's', path: '/small' })
      assert.equal(small.body.length, 1000)
    } finally {
      await d.close()
    }
  })
})

test('maxResponseSize defaults to 10mb and refuses nonsense', () => {
  const cfg = normalizeOptions({ suppliers: { s: { baseUrl: 'http://127.0.0.1:1' } } }).suppliers.get('s')!
  assert.equal(cfg.maxResponseBytes, 10 * 1024 * 1024)
  assert.throws(() => createDispatcher({ suppliers: { s: { baseUrl: 'http://127.0.0.1:1', maxResponseSize: 'lots' } } }), /maxResponseSize/)
})
