// An upstream: its targets, a balancer, the response deadline of each attempt, and room for the
// resilience stack around attempts. The response timeout is per attempt and lives in the attempt
// itself (core/deadlines.ts), so with no other policy configured a call goes straight to one attempt
// without promises; retry (retry.ts, outermost), breaker and bulkhead come in as policies, wrapped
// around `attempt`.
//
// An attempt may be repeated, so nothing it does may depend on an earlier one having run:
// - the client leaving aborts the call's signal (ctx.signal): the attempt in flight and a retry's
//   backoff both stop there;
// - its upstream headers are built from ctx.upstreamHeaders, which attempts never change;
// - the balancer is told the targets the call already tried;
// - its body is sent again only while that is possible (request-body.ts).

import type { Dispatcher } from 'undici'
import type { Clock, Random } from '../../core/clock.js'
import { wrap } from '../../core/policy.js'
import type { Policy, PolicyContext } from '../../core/policy.js'
import { AbortedError, PayloadTooLargeError, UpstreamUnavailableError } from '../../errors.js'
import type { Answer, Exchange, ResponseHead, Terminal } from '../contract.js'
import { forwardTarget } from '../router/normalize-path.js'
import { bufferBody, shouldBuffer } from '../request-buffer.js'
import { createBalancer } from './balancers/index.js'
import type { AffinityOptions, Balancer, BalancerKind } from './balancers/index.js'
import { DeadlineQueue } from '../../core/deadlines.js'
import { Forward } from './forward.js'
import type { UpstreamGuard } from './guard.js'
import type { BreakerState } from '../../core/breaker/breaker.js'
import { attemptBody } from './request-body.js'
import { Call } from './call.js'
import type { UpstreamCall } from './call.js'
import type { UpstreamRetry } from './retry.js'
import type { Outcome, RetryPolicy } from '../../core/retry.js'
import type { Target, TargetSnapshot } from './target.js'
import { TracedAnswer, withTraceHeaders } from './traced-answer.js'
import { OutlierEjection } from './health/passive.js'
import type { PassiveHealthOptions } from './health/passive.js'
import { slowStartPick } from './health/slow-start.js'
import type { Resource } from '../resources.js'

/** An upstream as the admin API shows it; resilience parts (breaker, limits) add their fields. */
export interface UpstreamSnapshot {
  name: string
  balancer: BalancerKind
  /** Attempts in flight over all targets, response bodies included. */
  inFlight: number
  /** With `circuitBreaker`: its state now. */
  breaker?: BreakerState
  /** With `limits`: the concurrency limit now (adaptive, capped by maxRequests) and inFlight / limit. */
  limit?: number
  saturation?: number
  targets: TargetSnapshot[]
}

export type { UpstreamCall } from './call.js'

export interface UpstreamOptions {
  name: string
  /** Identity of the config this was built from; equal hashes are carried over on reload. */
  hash: string
  balancer: BalancerKind
  hashOn?: string
  affinity?: AffinityOptions
  responseTimeoutMs: number
  /** No request body bytes taken by the upstream for this long cuts the upload (timeouts.idle, upward). */
  uploadIdleTimeoutMs?: number
  /** Bodies with a Content-Length up to this are read in full before a connection is taken; 0 = never. */
  requestBufferingBytes?: number
  /** The `retry` block, compiled: the outermost policy, and which bodies to keep for a resend. */
  retry?: UpstreamRetry
  /** Wrapped around each attempt inside the retry, outermost first (breaker, bulkhead, …). */
  policies?: readonly Policy<UpstreamCall>[]
  /** healthCheck.passive: outlier ejection from the attempts' outcomes. */
  passive?: PassiveHealthOptions
  /** slowStart: a target's share ramps up over this long after it becomes available; 0 = off. */
  slowStartMs?: number
  /** Keyed parts besides the targets (health states, probes, …) a reload that keeps this upstream keeps too. */
  parts?: ReadonlyArray<readonly [key: string, part: Resource]>
  /** Breaker and concurrency limits (guard.ts), innermost, inside `policies`. */
  guard?: UpstreamGuard
}

export interface UpstreamDeps {
  clock: Clock
  random: Random
}

export class Upstream implements Terminal {
  readonly name: string
  readonly hash: string
  readonly targets: readonly Target[]
  readonly parts: ReadonlyArray<readonly [key: string, part: Resource]>
  readonly guard: UpstreamGuard | undefined
  readonly #balancer: Balancer<Target>
  readonly #balancerKind: BalancerKind
  readonly #deadlines: DeadlineQueue
  readonly #uploads: DeadlineQueue
  readonly #policy: Policy<UpstreamCall> | undefined
  readonly #bufferLimit: number
  readonly #passive: OutlierEjection | undefined
  readonly #slowStartMs: number
  readonly #deps: UpstreamDeps
  readonly #retry: UpstreamRetry | undefined
  readonly #retryAlone: RetryPolicy<UpstreamCall> | undefined

  constructor (options: UpstreamOptions, targets: readonly Target[], deps: UpstreamDeps) {
    this.name = options.name
    this.hash = options.hash
    this.targets = targets
    this.#balancerKind = options.balancer
    this.#balancer = createBalancer(options.balancer, targets, {
      hashOn: options.hashOn,
      random: deps.random,
      affinity: options.affinity,
    })
    this.#deadlines = new DeadlineQueue(options.responseTimeoutMs, deps.clock)
    this.#uploads = new DeadlineQueue(options.uploadIdleTimeoutMs ?? options.responseTimeoutMs, deps.clock)
    this.guard = options.guard
    this.#retry = options.retry
    // Retry outermost: each try goes through the breaker and the limits on its own.
    const policies = [
      ...(options.retry?.retries === true ? [options.retry.policy] : []),
      ...options.policies ?? [],
      ...options.guard?.policies(() => this.inFlight) ?? [],
    ]
    this.#policy = policies.length === 0 ? undefined : wrap(...policies)
    // The default upstream (no `retry` block) retries a refused connection once: with the retry as
    // its only policy, the first try runs on the direct path and the policy takes over only after a
    // failure. Through execute() every request paid a promise, an AbortSignal and its listeners
    // (~20% of a plain route's CPU, measured by res-retry and the lead).
    this.#retryAlone = policies.length === 1 && options.retry?.retries === true ? options.retry.policy : undefined
    this.#bufferLimit = options.requestBufferingBytes ?? 0
    this.parts = options.parts ?? []
    this.#passive = options.passive === undefined
      ? undefined
      : new OutlierEjection(options.passive, targets.map(t => t.state))
    this.#slowStartMs = options.slowStartMs ?? 0
    this.#deps = deps
  }

  snapshot (): UpstreamSnapshot {
    const targets = this.targets.map(t => t.snapshot())
    if (this.#passive !== undefined) this.targets.forEach((t, i) => { targets[i]!.passiveFailures = t.state.failures })
    const s: UpstreamSnapshot = { name: this.name, balancer: this.#balancerKind, inFlight: this.inFlight, targets }
    const guard = this.guard
    if (guard?.breaker !== undefined) s.breaker = guard.breaker.state
    if (guard?.limited === true) {
      s.limit = guard.limit
      s.saturation = s.inFlight / s.limit
    }
    return s
  }

  /** Attempts in flight to the targets, response bodies included (the targets' own counts). */
  get inFlight (): number {
    let n = 0
    for (const t of this.targets) n += t.inFlight
    return n
  }

  call (ctx: Exchange, answer: Answer): void {
    const limit = ctx.route?.maxBodySize
    if (limit !== undefined && ctx.contentLength !== undefined && ctx.contentLength > limit) {
      answer.fail(ctx, new PayloadTooLargeError(limit))
      return
    }
    const keep = Math.max(this.#bufferLimit, this.#retry?.replayBytes(ctx) ?? 0)
    if (keep > 0 && shouldBuffer(ctx, keep)) {
      bufferBody(ctx, () => { this.call(ctx, answer) }, (err) => { answer.fail(ctx, err) })
      return
    }
    if (this.#policy === undefined) {
      this.#send(ctx, answer)
      return
    }
    const call = new Call(ctx, this, this.#retry?.resendable(ctx) ?? false)
    if (this.#retryAlone !== undefined) {
      this.#retryAlone.budget?.recordRequest()
      this.#send(ctx, new FirstTry(this.#retryAlone, call, answer), call.tried)
      return
    }
    this.#policy.execute(attempt, call.root).then(
      head => { answer.head(ctx, head) },
      err => { answer.fail(ctx, err) }
    )
  }

  /** One try as a promise, for policies: pick a target not tried yet, send, resolve on the response head. */
  attempt (call: UpstreamCall, pc: PolicyContext<UpstreamCall>): Promise<ResponseHead> {
    const ctx = call.ctx
    if (pc === call.root) {
      // The call's own context: the client leaving reaches this attempt through ctx.upstreamRequest
      // (the Forward, which ctx.abort cancels), so it needs neither the signal nor a listener.
      if (ctx.req.socket.destroyed) return Promise.reject(new AbortedError('Client closed the connection'))
      return new Promise((resolve, reject) => { this.#send(ctx, new Settle(resolve, reject), call.tried) })
    }
    const signal = pc.signal
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      const answer = new AttemptAnswer(signal, resolve, reject)
      const fwd = this.#send(ctx, answer, call.tried)
      // Until it answers, the call's signal (the client leaving) cancels the attempt.
      if (fwd !== undefined && !fwd.answered) {
        answer.listening = fwd
        signal.addEventListener('abort', fwd, { once: true })
      }
    })
  }

  #send (ctx: Exchange, answer: Answer, tried?: Set<Target>): Forward | undefined {
    // Another target than the ones tried, if there is one; else the only ones there are.
    let target = (tried !== undefined && tried.size > 0 ? this.#balancer.pick(ctx, tried) : undefined) ??
      this.#balancer.pick(ctx)
    if (target !== undefined && this.#slowStartMs > 0) {
      target = slowStartPick(this.#balancer, ctx, target, tried, this.#slowStartMs, this.#deps)
    }
    if (target === undefined) {
      answer.fail(ctx, new UpstreamUnavailableError(this.name))
      return undefined
    }
    tried?.add(target)
    // Options first: should building them throw, no attempt has been counted or queued yet.
    const opts = dispatchOptions(ctx)
    const trace = ctx.trace
    if (trace !== undefined) {
      const span = trace.attempt(ctx, target.id)
      withTraceHeaders(opts, span)
      answer = new TracedAnswer(answer, span)
    }
    const fwd = new Forward(ctx, target, answer, this.#deadlines, this.#uploads, this.name, this.#passive)
    target.dispatch(opts, fwd)
    return fwd
  }
}

/** Settles an attempt's promise (the root context's attempts: nothing to stop listening to). */
class Settle implements Answer {
  constructor (readonly resolve: (head: ResponseHead) => void, readonly reject: (err: unknown) => void) {}
  head (_ctx: Exchange, head: ResponseHead): void { this.resolve(head) }
  fail (_ctx: Exchange, err: unknown): void { this.reject(err) }
}

/**
 * The first try of a call whose only policy is the retry: its answer goes straight to the caller's
 * `Answer`, unless it is one the retry would act on; then the policy continues from it (resume).
 */
class FirstTry implements Answer {
  readonly #retry: RetryPolicy<UpstreamCall>
  readonly #meta: UpstreamCall
  readonly #answer: Answer

  constructor (retry: RetryPolicy<UpstreamCall>, meta: UpstreamCall, answer: Answer) {
    this.#retry = retry
    this.#meta = meta
    this.#answer = answer
  }

  head (ctx: Exchange, head: ResponseHead): void {
    if (this.#retry.isFinal(head)) this.#answer.head(ctx, head)
    else this.#resume(ctx, { ok: true, value: head })
  }

  fail (ctx: Exchange, err: unknown): void {
    this.#resume(ctx, { ok: false, error: err })
  }

  #resume (ctx: Exchange, first: Outcome<ResponseHead>): void {
    this.#retry.resume(attempt, this.#meta.root, first).then(
      head => { this.#answer.head(ctx, head) },
      err => { this.#answer.fail(ctx, err) }
    )
  }
}

/** Settles an attempt's promise and stops its listening to the call's signal. */
class AttemptAnswer implements Answer {
  listening: Forward | undefined = undefined
  readonly #signal: AbortSignal
  readonly #resolve: (head: ResponseHead) => void
  readonly #reject: (err: unknown) => void

  constructor (signal: AbortSignal, resolve: (head: ResponseHead) => void, reject: (err: unknown) => void) {
    this.#signal = signal
    this.#resolve = resolve
    this.#reject = reject
  }

  head (_ctx: Exchange, head: ResponseHead): void {
    this.#detach()
    this.#resolve(head)
  }

  fail (_ctx: Exchange, err: unknown): void {
    this.#detach()
    this.#reject(err)
  }

  #detach (): void {
    if (this.listening !== undefined) this.#signal.removeEventListener('abort', this.listening)
  }
}

function attempt (pc: PolicyContext<UpstreamCall>): Promise<ResponseHead> {
  return pc.meta.upstream.attempt(pc.meta, pc)
}

function dispatchOptions (ctx: Exchange): Dispatcher.DispatchOptions {
  const route = ctx.route!
  let path = forwardTarget(ctx.req.url ?? '/', ctx.path, ctx.query)
  if (route.rewrite !== undefined) {
    const p = route.rewrite(ctx.path)
    path = ctx.query === '' ? p : `${p}?${ctx.query}`
  }
  return { method: ctx.method, path, headers: attemptHeaders(ctx), body: attemptBody(ctx, ctx.body) }
}

/** The base the stages built, never changed, plus what this attempt adds (a copy only then). */
function attemptHeaders (ctx: Exchange): string[] {
  const base = ctx.upstreamHeaders
  return ctx.route!.preserveHost && ctx.host !== undefined ? [...base, 'host', ctx.host] : base
}
