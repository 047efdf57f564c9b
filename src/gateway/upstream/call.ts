// The payload of one upstream call through the policies (PolicyContext.meta): what its attempts
// share. Its own file so that the retry (retry.ts) and the upstream (upstream.ts) both name it
// without importing each other.

import type { CallMeta } from '../../core/policy.js'
import type { Exchange, ResponseHead } from '../contract.js'
import type { Target } from './target.js'

/** Runs one attempt of a call (the Upstream). */
export interface Attempts {
  attempt (call: UpstreamCall, signal: AbortSignal): Promise<ResponseHead>
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
}
