import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { systemClock } from '../../core/clock.js'
import type { Clock } from '../../core/clock.js'
import { ManualClock } from '../../core/manual-clock.js'
import type { Policy, PolicyContext } from '../../core/policy.js'
import { createLogger } from '../../observability/logger.js'
import { createMetrics } from '../../observability/metrics.js'
import { closed, startUpstream } from '../../../test/helpers/upstream.js'
import type { EchoBody } from '../../../test/helpers/upstream.js'
import { Context } from '../context.js'
import { createRunner } from '../pipeline.js'
import { send } from '../reply.js'
import type { CompiledRoute } from '../route.js'
import { RouteMetrics } from '../route.js'
import { Target } from './target.js'
import { Upstream } from './upstream.js'
import type { UpstreamCall } from './upstream.js'

const metrics = createMetrics()
const logger = createLogger({ level: 'silent' })

function target (url: string): Target {
  return new Target(
    { url, weight: 1, connections: 4, keepAliveTimeoutMs: 1000, connectTimeoutMs: 1000, idleTimeoutMs: 5000 },
    { upstream: 'svc', requests: metrics.upstreamRequests, recorder: metrics.recorder }
  )
}

/** A front server that runs every request through `upstream` with the real runner and reply code. */
async function front (upstream: Upstream, clock: Clock = systemClock): Promise<{ server: Server, url: string }> {
  const runner = createRunner(send)
  const route: CompiledRoute = {
    name: 'r',
    upstream,
    stages: [],
    rewrite: undefined,
    preserveHost: false,
    maxBodySize: undefined,
    metrics: new RouteMetrics('r', metrics),
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const ctx = new Context(req, res, clock, logger)
    ctx.route = route
    runner.run(route.stages, ctx, upstream)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

function get (url: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    }).on('error', reject).end()
  })
}

test('policies wrap each attempt: a retry policy moves from a refused target to a live one, body intact', async () => {
  const up = await startUpstream('live')
  const dead = createServer()
  await new Promise<void>(resolve => dead.listen(0, '127.0.0.1', resolve))
  const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`
  await new Promise<void>(resolve => dead.close(() => resolve()))

  const attempts: number[] = []
  const retryOnce: Policy<UpstreamCall> = {
    async execute<T> (
      fn: (pc: PolicyContext<UpstreamCall>) => Promise<T>, pc: PolicyContext<UpstreamCall>
    ): Promise<T> {
      attempts.push(pc.attempt)
      try {
        return await fn(pc)
      } catch {
        attempts.push(pc.attempt + 1)
        return await fn({ signal: pc.signal, attempt: pc.attempt + 1, meta: pc.meta })
      }
    },
  }
  const targets = [target(deadUrl), target(up.url)]
  const upstream = new Upstream(
    { name: 'svc', hash: '', balancer: 'round-robin', responseTimeoutMs: 5000, policies: [retryOnce] },
    targets, { clock: systemClock, random: Math.random }
  )
  const gw = await front(upstream)
  try {
    const r = await get(`${gw.url}/items/7?x=1`)
    assert.equal(r.status, 200)
    const echo = JSON.parse(r.body) as EchoBody
    assert.equal(echo.name, 'live')
    assert.equal(echo.url, '/items/7?x=1')
    assert.deepEqual(attempts, [1, 2])
    // Behind a promise the head is written a tick after it arrives: the body waits, paused, intact.
    const big = await get(`${gw.url}/big`, { 'x-mode': 'stream:300000' })
    assert.equal(big.status, 200)
    assert.equal(big.body.length, 300000)
    assert.deepEqual(attempts, [1, 2, 1, 2])
  } finally {
    await new Promise<void>(resolve => gw.server.close(() => resolve()))
    await Promise.all(targets.map(t => t.close()))
    await up.close()
  }
})

test('under a policy the response deadline still bounds each attempt: 504 on the Clock, upstream request aborted', { timeout: 30_000 }, async () => {
  const up = await startUpstream('slow')
  const clock = new ManualClock()
  let executed = 0
  const passthrough: Policy<UpstreamCall> = { execute: (fn, pc) => { executed++; return fn(pc) } }
  const targets = [target(up.url)]
  const upstream = new Upstream(
    { name: 'svc', hash: '', balancer: 'round-robin', responseTimeoutMs: 2000, policies: [passthrough] },
    targets, { clock, random: Math.random }
  )
  const gw = await front(upstream, clock)
  try {
    const pending = get(`${gw.url}/`, { 'x-mode': 'hold' })
    await up.waitForHeld(1)
    const socket = up.heldSocket!
    clock.advance(1999)
    assert.equal(socket.destroyed, false)
    clock.advance(1)
    const r = await pending
    assert.equal(r.status, 504)
    assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'SLC_UPSTREAM_TIMEOUT')
    assert.equal(executed, 1)
    await closed(socket)
  } finally {
    up.release()
    await new Promise<void>(resolve => gw.server.close(() => resolve()))
    await Promise.all(targets.map(t => t.close()))
    await up.close()
  }
})

test('behind a policy that has not passed the head on yet, a small body is read whole without pausing; a big one pauses', { timeout: 30_000 }, async () => {
  const up = await startUpstream('held')
  let release!: () => void
  let gate = new Promise<void>(resolve => { release = resolve })
  const holdHead: Policy<UpstreamCall> = { execute: (fn, pc) => fn(pc).then(head => gate.then(() => head)) }
  const targets = [target(up.url)]
  const upstream = new Upstream(
    { name: 'svc', hash: '', balancer: 'round-robin', responseTimeoutMs: 5000, policies: [holdHead] },
    targets, { clock: systemClock, random: Math.random }
  )
  const gw = await front(upstream)
  try {
    const small = get(`${gw.url}/`, { 'x-mode': 'stream:1000' })
    await up.waitForRequests(1)
    for (let i = 0; i < 500 && targets[0]!.inFlight > 0; i++) await new Promise(resolve => setTimeout(resolve, 5))
    assert.equal(targets[0]!.inFlight, 0, 'the upstream exchange finished while the head was still held')
    release()
    assert.equal((await small).body.length, 1000)

    gate = new Promise<void>(resolve => { release = resolve })
    const big = get(`${gw.url}/`, { 'x-mode': 'stream:3000000' })
    await up.waitForRequests(2)
    await new Promise(resolve => setTimeout(resolve, 100))
    assert.equal(targets[0]!.inFlight, 1, 'a big body waits, paused, for the head to go out')
    release()
    assert.equal((await big).body.length, 3000000)
  } finally {
    release()
    await new Promise<void>(resolve => gw.server.close(() => resolve()))
    await Promise.all(targets.map(t => t.close()))
    await up.close()
  }
})
