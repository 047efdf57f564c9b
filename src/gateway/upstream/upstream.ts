// An upstream: its targets, a balancer, the response deadline of each attempt, and room for the
// resilience stack around attempts. The response timeout is per attempt and lives in the attempt
// itself (deadline.ts), so with no other policy configured a call goes straight to one attempt
// without promises; retry, breaker and bulkhead come in as `policies`, wrapped around `attempt`.

import { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { Clock, Random } from '../../core/clock.js'
import { wrap } from '../../core/policy.js'
import type { Policy, PolicyContext } from '../../core/policy.js'
import { PayloadTooLargeError, UpstreamUnavailableError } from '../../errors.js'
import type { Answer, Exchange, ResponseHead, Terminal } from '../contract.js'
import { forwardTarget } from '../router/normalize-path.js'
import { createBalancer } from './balancers/index.js'
import type { AffinityOptions, Balancer, BalancerKind } from './balancers/index.js'
import { DeadlineQueue } from './deadline.js'
import { Forward } from './forward.js'
import type { Target } from './target.js'

export interface UpstreamOptions {
  name: string
  /** Identity of the config this was built from; equal hashes are carried over on reload. */
  hash: string
  balancer: BalancerKind
  hashOn?: string
  affinity?: AffinityOptions
  responseTimeoutMs: number
  /** Wrapped around each attempt, outermost first (retry, breaker, bulkhead, …). */
  policies?: readonly Policy[]
}

export interface UpstreamDeps {
  clock: Clock
  random: Random
}

interface CallMeta { method: string, upstream: Upstream, ctx: Exchange, [key: string]: unknown }

export class Upstream implements Terminal {
  readonly name: string
  readonly hash: string
  readonly targets: readonly Target[]
  readonly #balancer: Balancer<Target>
  readonly #deadlines: DeadlineQueue
  readonly #policy: Policy | undefined

  constructor (options: UpstreamOptions, targets: readonly Target[], deps: UpstreamDeps) {
    this.name = options.name
    this.hash = options.hash
    this.targets = targets
    this.#balancer = createBalancer(options.balancer, targets, {
      hashOn: options.hashOn,
      random: deps.random,
      affinity: options.affinity,
    })
    this.#deadlines = new DeadlineQueue(options.responseTimeoutMs, deps.clock)
    const policies = options.policies ?? []
    this.#policy = policies.length === 0 ? undefined : wrap(...policies)
  }

  call (ctx: Exchange, answer: Answer): void {
    const limit = ctx.route?.maxBodySize
    if (limit !== undefined && ctx.contentLength !== undefined && ctx.contentLength > limit) {
      answer.fail(ctx, new PayloadTooLargeError(limit))
      return
    }
    if (this.#policy === undefined) {
      this.#send(ctx, answer)
      return
    }
    const meta: CallMeta = { method: ctx.method, upstream: this, ctx }
    this.#policy.execute(attempt, { signal: NEVER, attempt: 1, meta }).then(
      head => { answer.head(ctx, head) },
      err => { answer.fail(ctx, err) }
    )
  }

  /** One try as a promise, for policies: pick a target, send, resolve on the response head. */
  attempt (ctx: Exchange, signal: AbortSignal): Promise<ResponseHead> {
    return new Promise((resolve, reject) => {
      const fwd = this.#send(ctx, {
        head (_ctx, head) { resolve(head) },
        fail (_ctx, err) { reject(err) },
      })
      if (fwd === undefined || signal === NEVER) return
      if (signal.aborted) fwd.handleEvent({ target: signal } as unknown as Event)
      else signal.addEventListener('abort', fwd, { once: true })
    })
  }

  #send (ctx: Exchange, answer: Answer): Forward | undefined {
    const target = this.#balancer.pick(ctx)
    if (target === undefined) {
      answer.fail(ctx, new UpstreamUnavailableError(this.name))
      return undefined
    }
    // Options first: should building them throw, no attempt has been counted or queued yet.
    const opts = dispatchOptions(ctx)
    const fwd = new Forward(ctx, target, answer, this.#deadlines, this.name)
    target.dispatch(opts, fwd)
    return fwd
  }
}

// The caller's signal when a call has none: client disconnects cancel the exchange directly
// (Context.abort), so a call needs no AbortController of its own.
const NEVER = new AbortController().signal

function attempt (pc: PolicyContext): Promise<ResponseHead> {
  const meta = pc.meta as CallMeta
  return meta.upstream.attempt(meta.ctx, pc.signal)
}

function dispatchOptions (ctx: Exchange): Dispatcher.DispatchOptions {
  const route = ctx.route!
  const req = ctx.req
  let path = forwardTarget(req.url ?? '/', ctx.path, ctx.query)
  if (route.rewrite !== undefined) {
    const p = route.rewrite(ctx.path)
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
