// The upstream attempt under a retry policy, against real sockets: each hazard of repeating an
// attempt has its test. The front server mirrors server.ts where it matters here (a client that
// goes away aborts the context).
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { systemClock } from '../../core/clock.js'
import type { Clock } from '../../core/clock.js'
import { ManualClock } from '../../core/manual-clock.js'
import type { Policy, PolicyContext } from '../../core/policy.js'
import { createRetryPolicy } from '../../core/retry.js'
import type { RetryPolicy } from '../../core/retry.js'
import { createLogger } from '../../observability/logger.js'
import { createMetrics } from '../../observability/metrics.js'
import { startUpstream } from '../../../test/helpers/upstream.js'
import type { EchoBody, TestUpstream } from '../../../test/helpers/upstream.js'
import { Context } from '../context.js'
import type { ResponseHead } from '../contract.js'
import { createRunner } from '../pipeline.js'
import { send } from '../reply.js'
import type { CompiledRoute } from '../route.js'
import { RouteMetrics } from '../route.js'
import { Target } from './target.js'
import { Upstream } from './upstream.js'
import type { UpstreamCall } from './upstream.js'

const metrics = createMetrics()
const logger = createLogger({ level: 'silent' })
const cleanup: Array<() => Promise<unknown> | void> = []
after(async () => { for (const f of cleanup.reverse()) await f() })

function target (url: string): Target {
  const t = new Target(
    { url, weight: 1, connections: 4, keepAliveTimeoutMs: 1000, connectTimeoutMs: 1000, idleTimeoutMs: 5000 },
    { upstream: 'svc', requests: metrics.upstreamRequests, recorder: metrics.recorder }
  )
  cleanup.push(() => t.close())
  return t
}

async function listen (server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise(resolve => server.close(resolve)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A URL nothing listens on: connecting is refused. */
async function deadUrl (): Promise<string> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  await new Promise(resolve => s.close(resolve))
  return url
}

async function echo (name: string): Promise<TestUpstream> {
  const up = await startUpstream(name)
  cleanup.push(() => up.close())
  return up
}

interface Setup {
  policies: Policy<UpstreamCall>[]
  targets: Target[]
  preserveHost?: boolean
  clock?: Clock
  /** requestBufferingBytes: bodies with a Content-Length up to this are read in full first. */
  buffer?: number
  /** Called once the front server has seen a client leave before its response finished. */
  onClientGone?: () => void
}

/** Runs every request through an upstream of `targets` (weighted random at 0: the first healthy one). */
async function front (s: Setup): Promise<string> {
  const clock = s.clock ?? systemClock
  const upstream = new Upstream(
    { name: 'svc', hash: '', balancer: 'random', responseTimeoutMs: 60_000, policies: s.policies, requestBufferingBytes: s.buffer },
    s.targets, { clock, random: () => 0 }
  )
  const route: CompiledRoute = {
    name: 'r',
    upstream,
    stages: [],
    rewrite: undefined,
    preserveHost: s.preserveHost ?? false,
    maxBodySize: undefined,
    metrics: new RouteMetrics('r', metrics),
  }
  const runner = createRunner(send)
  return listen(createServer((req: IncomingMessage, res: ServerResponse) => {
    const ctx = new Context(req, res, clock, logger)
    ctx.route = route
    res.on('close', () => {
      if (res.writableFinished) return
      ctx.abort()
      s.onClientGone?.()
    })
    runner.run(route.stages, ctx, upstream)
  }))
}

function retry (opts: { attempts?: number, delayMs?: number, statuses?: number[], clock?: Clock } = {}): RetryPolicy {
  return createRetryPolicy({
    attempts: opts.attempts ?? 2,
    baseDelayMs: opts.delayMs ?? 0,
    maxDelayMs: opts.delayMs ?? 0,
    retryOnStatus: opts.statuses ?? [],
    retryNonIdempotent: true,
    budget: false,
    discard: (head) => { (head as ResponseHead).stream?.abort() },
  }, { clock: opts.clock ?? systemClock, random: () => 0.5 })
}

/** Records each call's outcome as the policies report it. */
function observer (): Policy<UpstreamCall> & { outcomes: Array<Promise<unknown>>, attempts: number[] } {
  const outcomes: Array<Promise<unknown>> = []
  const attempts: number[] = []
  return {
    outcomes,
    attempts,
    execute<T> (fn: (pc: PolicyContext<UpstreamCall>) => Promise<T>, pc: PolicyContext<UpstreamCall>): Promise<T> {
      const p = fn(pc)
      outcomes.push(p.then(v => v, e => e))
      return p
    },
  }
}

/** Counts the attempts that reach `fn` (innermost policy). */
function counter (): Policy<UpstreamCall> & { attempts: number } {
  const c = {
    attempts: 0,
    execute<T> (fn: (pc: PolicyContext<UpstreamCall>) => Promise<T>, pc: PolicyContext<UpstreamCall>): Promise<T> {
      c.attempts++
      return fn(pc)
    },
  }
  return c
}

interface Got { status: number, body: string }

interface RequestOptions { method?: string, headers?: Record<string, string>, body?: string[] }

function request (url: string, opts: RequestOptions = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    for (const chunk of opts.body ?? []) req.write(chunk)
    req.end()
  })
}

test('a retry on a preserveHost route sends one Host header, the client\'s', async () => {
  const live = await listen(createServer((req, res) => {
    const hosts: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hosts.push(req.rawHeaders[i + 1]!)
    res.end(JSON.stringify(hosts))
  }))
  const url = await front({ policies: [retry()], targets: [target(await deadUrl()), target(live)], preserveHost: true })
  const res = await request(url, { headers: { host: 'api.example.test' } })
  assert.equal(res.status, 200, res.body)
  assert.deepEqual(JSON.parse(res.body), ['api.example.test'])
})

test('a retry goes to a target not tried yet, even when the balancer would pick the failed one again', async () => {
  const live = await echo('live')
  const count = counter()
  const url = await front({ policies: [retry(), count], targets: [target(await deadUrl()), target(live.url)] })
  const res = await request(url)
  assert.equal(res.status, 200, res.body)
  assert.equal((JSON.parse(res.body) as EchoBody).name, 'live')
  assert.equal(count.attempts, 2)
})

test('with a single target, a retry goes back to it rather than failing for want of one', async () => {
  const count = counter()
  const url = await front({ policies: [retry(), count], targets: [target(await deadUrl())] })
  const res = await request(url)
  assert.equal(res.status, 502)
  assert.match(res.body, /SLC_BAD_GATEWAY/)
  assert.equal(count.attempts, 2)
})

test('a client that leaves during the backoff ends the call: no retry is sent', async () => {
  const clock = new ManualClock()
  let received = 0
  const flaky = await listen(createServer((req, res) => {
    received++
    req.resume()
    res.writeHead(503).end()
  }))
  const watch = observer()
  const policy = retry({ delayMs: 1000, statuses: [503], clock })
  const backingOff = new Promise<void>(resolve => policy.onRetry.on(() => resolve()))
  let clientGone!: () => void
  const gone = new Promise<void>(resolve => { clientGone = resolve })
  const url = await front({ policies: [watch, policy], targets: [target(flaky)], clock, onClientGone: clientGone })
  const req = httpRequest(url, { agent: false })
  req.on('error', () => {})
  req.end()
  await backingOff
  req.destroy()
  await gone
  clock.advance(1000)
  const outcome = await watch.outcomes[0]
  assert.equal((outcome as { code?: string }).code, 'SLC_ABORTED')
  assert.equal(received, 1)
})

test('a streamed body that an attempt started sending is not replayed: the answer stands', async () => {
  let firstBody = 0
  const busy = await listen(createServer((req, res) => {
    req.on('data', (c: Buffer) => { firstBody += c.length })
    req.on('end', () => { res.writeHead(503, { 'content-type': 'text/plain' }).end('busy') })
  }))
  const live = await echo('live')
  const count = counter()
  const url = await front({ policies: [retry({ statuses: [503] }), count], targets: [target(busy), target(live.url)] })
  const res = await request(url, { method: 'POST', body: ['hello ', 'world'] })
  assert.equal(res.status, 503)
  assert.equal(res.body, 'busy')
  assert.equal(firstBody, 11)
  assert.equal(count.attempts, 1)
  assert.equal(live.requests, 0)
})

test('a streamed body no attempt has touched (connect refused) is still sent whole on the retry', async () => {
  const live = await echo('live')
  const url = await front({ policies: [retry()], targets: [target(await deadUrl()), target(live.url)] })
  const res = await request(url, { method: 'POST', body: ['hello ', 'world'] })
  assert.equal(res.status, 200, res.body)
  assert.equal((JSON.parse(res.body) as EchoBody).bodyLength, 11)
})

test('a buffered body (request buffering, bounded) is replayable: the retry sends it whole', async () => {
  let firstBody = 0
  const busy = await listen(createServer((req, res) => {
    req.on('data', (c: Buffer) => { firstBody += c.length })
    req.on('end', () => { res.writeHead(503).end('busy') })
  }))
  const live = await echo('live')
  const count = counter()
  const url = await front({
    policies: [retry({ statuses: [503] }), count], targets: [target(busy), target(live.url)], buffer: 1024,
  })
  const res = await request(url, { method: 'POST', headers: { 'content-length': '11' }, body: ['hello ', 'world'] })
  assert.equal(res.status, 200, res.body)
  assert.equal(firstBody, 11)
  assert.equal(count.attempts, 2)
  assert.equal((JSON.parse(res.body) as EchoBody).bodyLength, 11)
})
