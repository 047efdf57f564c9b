// The runner on real sockets: a node:http server hands each request to the runner with the real
// Context and reply writer; the terminal is a small local one so each test controls the answer.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { systemClock } from '../core/clock.js'
import { BadGatewayError } from '../errors.js'
import { createLogger } from '../observability/logger.js'
import { compileCidrs } from './cidr.js'
import { Context } from './context.js'
import type { Answer, Exchange, RequestContext, ResponseHead, Stage, Terminal } from './contract.js'
import { createRunner } from './pipeline.js'
import { send } from './reply.js'
import { SlotAllocator } from './slots.js'

const logger = createLogger({ level: 'silent' })
const servers: Server[] = []
after(() => { for (const s of servers) s.close() })

interface Front { url: string, ended: Promise<Exchange>, onEnd: Exchange[] }

/** Runs every request through `stages` then `terminal`; `ended` resolves after the first runner.end. */
async function front (stages: Stage[], terminal: Terminal, trusted: readonly string[] = []): Promise<Front> {
  const runner = createRunner(send)
  const onEnd: Exchange[] = []
  let resolveEnded!: (ctx: Exchange) => void
  const ended = new Promise<Exchange>(resolve => { resolveEnded = resolve })
  const server = createServer((req, res) => {
    const ctx = new Context(req, res, systemClock, logger, compileCidrs(trusted))
    res.on('close', () => {
      runner.end(ctx)
      onEnd.push(ctx)
      resolveEnded(ctx)
    })
    runner.run(stages, ctx, terminal)
  })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ended, onEnd }
}

interface Got { status: number, headers: IncomingHttpHeaders, raw: string[], body: string }

function get (url: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, raw: res.rawHeaders, body }))
    }).on('error', reject).end()
  })
}

const ok: Terminal = {
  call (ctx, answer) { answer.head(ctx, { status: 200, headers: ['content-type', 'text/plain'], body: 'up' }) },
}

function recorder (name: string, log: string[], verdict?: () => ResponseHead | undefined): Stage {
  return {
    name,
    onRequest () { log.push(`req:${name}`); return verdict?.() },
    onResponseHead () { log.push(`head:${name}`) },
    onEnd () { log.push(`end:${name}`) },
  }
}

test('request stages in order, head and end hooks in reverse, only for stages that started', async () => {
  const log: string[] = []
  const local: ResponseHead = { status: 403, headers: [], body: 'no' }
  const stages = [recorder('a', log), recorder('b', log, () => local), recorder('c', log)]
  const f = await front(stages, ok)
  const res = await get(f.url)
  await f.ended
  assert.equal(res.status, 403)
  assert.deepEqual(log, ['req:a', 'req:b', 'head:b', 'head:a', 'end:b', 'end:a'])
  assert.deepEqual(f.onEnd[0]!.flags, ['LR'])
})

test('sync stages reach the terminal without a promise: run() returns after the terminal was called', async () => {
  let calledDuringRun = false
  let inRun = false
  const terminal: Terminal = {
    call (ctx, answer) {
      calledDuringRun = inRun
      ok.call(ctx, answer)
    },
  }
  const runner = createRunner(send)
  const server = createServer((req, res) => {
    inRun = true
    runner.run([{ name: 'sync', onRequest: () => undefined }], new Context(req, res, systemClock, logger), terminal)
    inRun = false
  })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const res = await get(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  assert.equal(res.body, 'up')
  assert.equal(calledDuringRun, true)
})

test('a stage may answer with one shared head: every response gets its own header array', async () => {
  const shared: ResponseHead = { status: 429, headers: ['retry-after', '1'], body: 'slow down' }
  const f = await front([{ name: 'deny', onRequest: () => shared }], ok)
  const first = await get(f.url)
  const second = await get(f.url)
  for (const res of [first, second]) {
    assert.equal(res.status, 429)
    assert.equal(res.raw.filter(h => h.toLowerCase() === 'x-request-id').length, 1)
  }
  assert.deepEqual(shared.headers, ['retry-after', '1'])
})

test('headers a stage adds reach the upstream answer and an error reply', async () => {
  const adder: Stage = { name: 'add', onRequest (ctx) { ctx.addResponseHeader('x-added', ctx.id); return undefined } }
  const upstream = await front([adder], ok)
  const res = await get(upstream.url, { 'x-request-id': 'r-1' })
  assert.equal(res.headers['x-added'], 'r-1')
  const failing: Terminal = { call (ctx, answer: Answer) { answer.fail(ctx, new BadGatewayError('t', 'down')) } }
  const error = await get((await front([adder], failing)).url, { 'x-request-id': 'r-2' })
  assert.equal(error.status, 502)
  assert.equal(error.headers['x-added'], 'r-2')
})

test('state slots: a stage keeps typed per-request state from onRequest to onEnd, slots never collide', async () => {
  const slots = new SlotAllocator()
  const startedAt = slots.create<number>('timer.start')
  const tag = slots.create<string>('tagger.tag')
  assert.notEqual(startedAt.index, tag.index)
  const seen: Array<[number | undefined, string | undefined]> = []
  const timer: Stage = {
    name: 'timer',
    onRequest (ctx) { ctx.set(startedAt, ctx.start); return undefined },
    onEnd (ctx) { seen.push([ctx.get(startedAt), ctx.get(tag)]) },
  }
  const tagger: Stage = { name: 'tagger', onRequest (ctx) { ctx.set(tag, ctx.method); return undefined } }
  const f = await front([timer, tagger], ok)
  await get(f.url)
  const ctx = await f.ended
  assert.deepEqual(seen, [[ctx.start, 'GET']])
})

test('onEnd runs once when the client leaves before any answer, with status 0', async () => {
  const log: string[] = []
  const never: Terminal = { call () {} }
  const f = await front([recorder('a', log)], never)
  const req = httpRequest(f.url, { agent: false })
  req.on('error', () => {})
  req.end()
  // Give the request time to reach the terminal, then hang up.
  while (log.length === 0) await new Promise(resolve => setImmediate(resolve))
  req.destroy()
  const ctx = await f.ended
  assert.deepEqual(log, ['req:a', 'end:a'])
  assert.equal(ctx.status, 0)
})

test('clientIp: the peer, or behind a trusted proxy the rightmost untrusted X-Forwarded-For entry', async () => {
  const ips: string[] = []
  const probe: Stage = { name: 'probe', onRequest (ctx: RequestContext) { ips.push(ctx.clientIp); return undefined } }
  const open = await front([probe], ok)
  await get(open.url, { 'x-forwarded-for': '6.6.6.6' })
  const trusting = await front([probe], ok, ['127.0.0.1', '10.0.0.0/8'])
  await get(trusting.url, { 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.1.1.1' })
  assert.deepEqual(ips, ['127.0.0.1', '1.2.3.4'])
})
