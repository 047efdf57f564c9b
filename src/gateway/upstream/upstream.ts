// An upstream: its targets, a balancer, and the resilience stack around one attempt. Today the
// stack is the response timeout alone; retry, breaker and bulkhead slot into the `wrap(...)` call.

import { setMaxListeners } from 'node:events'
import { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { Clock, Random } from '../../core/clock.js'
import { wrap } from '../../core/policy.js'
import type { Policy, PolicyContext } from '../../core/policy.js'
import { createTimeoutPolicy } from '../../core/timeout.js'
import { PayloadTooLargeError, UpstreamTimeoutError, UpstreamUnavailableError } from '../../errors.js'
import type { Context } from '../context.js'
import type { Terminal } from '../pipeline.js'
import type { ResponseHead } from '../reply.js'
import { createBalancer } from './balancers/index.js'
import type { Balancer, BalancerKind } from './balancers/index.js'
import { Forward } from './forward.js'
import type { Target } from './target.js'

export interface UpstreamOptions {
  name: string
  /** Identity of the config this was built from; equal hashes are carried over on reload. */
  hash: string
  balancer: BalancerKind
  hashOn?: string
  affinity?: { cookie: string, ttlMs: number }
  responseTimeoutMs: number
}

export interface UpstreamDeps {
  clock: Clock
  random: Random
}

interface CallMeta { method: string, upstream: Upstream, ctx: Context, [key: string]: unknown }

export class Upstream implements Terminal {
  readonly name: string
  readonly hash: string
  readonly targets: readonly Target[]
  readonly #balancer: Balancer<Target>
  readonly #policy: Policy

  constructor (options: UpstreamOptions, targets: readonly Target[], deps: UpstreamDeps) {
    this.name = options.name
    this.hash = options.hash
    this.targets = targets
    this.#balancer = createBalancer(options.balancer, targets, {
      hashOn: options.hashOn,
      random: deps.random,
      affinity: options.affinity,
    })
    const ms = options.responseTimeoutMs
    this.#policy = wrap(createTimeoutPolicy(ms, {
      clock: deps.clock,
      onTimeout: () => new UpstreamTimeoutError(this.name, ms),
      // A head that lost the race to the timer still holds an upstream request: release it.
      discard: (late) => (late as ResponseHead).stream?.abort(),
    }))
  }

  call (ctx: Context): Promise<ResponseHead> {
    const limit = ctx.route?.maxBodySize
    if (limit !== undefined && ctx.contentLength !== undefined && ctx.contentLength > limit) {
      return Promise.reject(new PayloadTooLargeError(limit))
    }
    const meta: CallMeta = { method: ctx.method, upstream: this, ctx }
    const pc: PolicyContext = { signal: NEVER, attempt: 1, meta }
    return this.#policy.execute(attempt, pc)
  }

  /** One try: pick a target (skipping `exclude`), send, resolve on the response head. */
  attempt (ctx: Context, signal: AbortSignal): Promise<ResponseHead> {
    const target = this.#balancer.pick(ctx)
    if (target === undefined) return Promise.reject(new UpstreamUnavailableError(this.name))
    const fwd = new Forward(ctx, target)
    if (signal !== NEVER) signal.addEventListener('abort', fwd, { once: true })
    target.dispatch(dispatchOptions(ctx), fwd)
    return fwd.head
  }
}

// Client disconnects cancel the exchange directly (Context.abort), so the call needs no
// per-request AbortController of its own; policies derive theirs from this one.
const NEVER = new AbortController().signal
setMaxListeners(0, NEVER)

function attempt (pc: PolicyContext): Promise<ResponseHead> {
  const meta = pc.meta as CallMeta
  return meta.upstream.attempt(meta.ctx, pc.signal)
}

function dispatchOptions (ctx: Context): Dispatcher.DispatchOptions {
  const route = ctx.route!
  const req = ctx.req
  let path = req.url ?? '/'
  if (route.rewrite !== undefined) {
    const p = route.rewrite(ctx.path, ctx.params)
    path = ctx.query === '' ? p : `${p}?${ctx.query}`
  }
  const headers = ctx.upstreamHeaders
  if (route.preserveHost && ctx.host !== undefined) headers.push('host', ctx.host)
  let body: Dispatcher.DispatchOptions['body'] = null
  if (ctx.hasBody) {
    body = route.maxBodySize !== undefined && ctx.contentLength === undefined
      ? Readable.from(limitBody(req, route.maxBodySize), { objectMode: false })
      : req
  }
  return { method: ctx.method, path, headers, body }
}

/** Counts a chunked body as it streams; over the limit the upload fails with 413 (never buffered). */
async function * limitBody (req: NodeJS.ReadableStream & Readable, limit: number): AsyncGenerator<Buffer> {
  let seen = 0
  // destroyOnReturn: false keeps the client socket open so the 413 can still be written.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    seen += chunk.length
    if (seen > limit) throw new PayloadTooLargeError(limit)
    yield chunk
  }
}
