// A retried upstream call under tracing, against real sockets and a real OTLP/HTTP receiver: each
// attempt is its own CLIENT span, siblings under the request's SERVER span (the first refused, the
// second answered), and the upstream that answered sees the second attempt as its parent. The
// retry comes from the core retry policy wrapped around the attempt, as upstream.ts takes it.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { systemClock } from '../../core/clock.js'
import { createRetryPolicy } from '../../core/retry.js'
import { createLogger } from '../../observability/logger.js'
import { createMetrics } from '../../observability/metrics.js'
import { createGatewayTracer } from '../../observability/tracing/gateway-tracer.js'
import { startOtlpReceiver } from '../../../test/helpers/otlp-receiver.js'
import { startUpstream } from '../../../test/helpers/upstream.js'
import type { EchoBody } from '../../../test/helpers/upstream.js'
import { send as sendRequest } from '../../../test/helpers/gateway.js'
import { until } from '../../../test/helpers/wait.js'
import { Context } from '../context.js'
import type { ResponseHead } from '../contract.js'
import { createRunner } from '../pipeline.js'
import { send } from '../reply.js'
import type { CompiledRoute } from '../route.js'
import { RouteMetrics } from '../route.js'
import { Target } from './target.js'
import { Upstream } from './upstream.js'

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

/** A URL nothing listens on: connecting is refused. */
async function deadUrl (): Promise<string> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  await new Promise(resolve => s.close(resolve))
  return url
}

test('a retried request: two sibling attempt spans under the server span, the upstream under the second', async () => {
  const otlp = await startOtlpReceiver()
  cleanup.push(() => otlp.close())
  const live = await startUpstream('live')
  cleanup.push(() => live.close())
  const tracer = createGatewayTracer(
    { endpoint: otlp.url, serviceName: 'edge', sampleRatio: 1, headers: {} },
    { onDrop: () => { throw new Error('no span may be dropped') }, delayMs: 10 }
  )
  const retry = createRetryPolicy({
    attempts: 2,
    baseDelayMs: 0,
    maxDelayMs: 0,
    retryNonIdempotent: true,
    budget: false,
    discard: (head) => { (head as ResponseHead).stream?.abort() },
  }, { clock: systemClock, random: () => 0.5 })
  // Weighted random at 0 picks the first target (the dead one); the retry goes to one not tried yet.
  const upstream = new Upstream(
    { name: 'svc', hash: '', balancer: 'random', responseTimeoutMs: 60_000, policies: [retry] },
    [target(await deadUrl()), target(live.url)], { clock: systemClock, random: () => 0 }
  )
  const route: CompiledRoute = {
    name: 'r',
    upstream,
    stages: [],
    rewrite: undefined,
    preserveHost: false,
    maxBodySize: undefined,
    metrics: new RouteMetrics('r', metrics),
  }
  const runner = createRunner(send)
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const ctx = new Context(req, res, systemClock, logger)
    ctx.trace = tracer.start(ctx)
    ctx.route = route
    res.on('close', () => { ctx.trace!.end(ctx, ctx.status) })
    runner.run(route.stages, ctx, upstream)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise(resolve => server.close(resolve)))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const trace = '5bf92f3577b34da6a3ce929d0e0e4736'
  const r = await sendRequest(url, '/x', { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` } })
  assert.equal(r.status, 200)
  await until('three spans', () => otlp.spans.filter(s => s.traceId === trace).length >= 3, 10_000)
  await tracer.shutdown()
  const spans = otlp.spans.filter(s => s.traceId === trace)
  const serverSpan = spans.find(s => s.kind === 2)!
  const attempts = spans.filter(s => s.kind === 3)
  assert.equal(attempts.length, 2, 'one CLIENT span per attempt')
  for (const a of attempts) assert.equal(a.parentSpanId, serverSpan.spanId, 'attempts are siblings')
  const first = attempts.find(a => !('http.request.resend_count' in a.attributes))
  const second = attempts.find(a => a.attributes['http.request.resend_count'] === 1)
  assert.ok(first !== undefined && second !== undefined)
  assert.equal(first.attributes['error.type'], 'ECONNREFUSED')
  assert.equal(second.attributes['http.response.status_code'], 200)
  assert.equal(second.attributes['server.port'], live.port)
  assert.equal(r.json<EchoBody>().headers.traceparent, `00-${trace}-${second.spanId}-01`)
})
