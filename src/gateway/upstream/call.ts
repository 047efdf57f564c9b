// The payload of one upstream call through the policies (PolicyContext.meta): what its attempts
// share. Its own file so that the retry (retry.ts) and the upstream (upstream.ts) both name it
// without importing each other.

import type { CallMeta, PolicyContext } from '../../core/policy.js'
import type { Exchange, ResponseHead } from '../contract.js'
import { bodyReplayable } from './request-body.js'
import type { Target } from './target.js'

/** Runs one attempt of a call (the Upstream). */
export interface Attempts {
  /** `pc` is the attempt's context: the call's root one, or one a policy derived from it. */
  attempt (call: UpstreamCall, pc: PolicyContext<UpstreamCall>): Promise<ResponseHead>
}

export interface UpstreamCall extends CallMeta {
  readonly method: string
  /** Resent after reaching a target even if its method is not in `retry.methods` (Idempotency-Key). */
  readonly idempotent: boolean
  readonly upstream: Attempts
  readonly ctx: Exchange
  /** The targets earlier attempts went to. */
  readonly tried: Set<Target>
  /** Read by the retry policy: whether another attempt could send the request body again. */
  readonly replayable: boolean
  /** The call's own context, which policies hand on unchanged unless they derive one. */
  readonly root: PolicyContext<UpstreamCall>
}

/**
 * The payload as a class, with its root context: prototype getters instead of an object literal's
 * (which allocate a closure and a map of their own per call), and the root context's signal read
 * only by whoever needs it. The policy path's cost per request was mostly such allocations, and
 * the AbortController behind ctx.signal (bench/resilience.ts).
 */
export class Call implements UpstreamCall {
  readonly method: string
  readonly tried = new Set<Target>()
  readonly root: PolicyContext<UpstreamCall>

  constructor (readonly ctx: Exchange, readonly upstream: Attempts, readonly idempotent: boolean) {
    this.method = ctx.method
    this.root = new RootContext(this)
  }

  get replayable (): boolean { return bodyReplayable(this.ctx, this.ctx.body) }
}

class RootContext implements PolicyContext<UpstreamCall> {
  readonly attempt = 1
  constructor (readonly meta: Call) {}
  /** The client leaving; created on first read (ctx.signal), by a retry's backoff for one. */
  get signal (): AbortSignal { return this.meta.ctx.signal }
}
