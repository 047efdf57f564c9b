// What a dispatcher call carries through its supplier's policies (the payload of its
// PolicyContext): the request every attempt sends, the facts core policies read, and the counters
// the scheduler and the attempt keep. Declared here, so core never sees dispatcher state. One
// object for all three, as a queued call's bytes count (see docs/benchmarks.md).

import type { CallMeta } from '../core/policy.js'
import type { CallTrace } from './trace.js'
import type { TransportRequest } from './transport.js'

/** The request one attempt sends; the attempt adds its own signal. */
export type SendRequest = Omit<TransportRequest, 'signal'>

export class CallState implements CallMeta, SendRequest {
  /** Attempts sent to the supplier so far. */
  attempts = 0
  /** Time spent waiting for admission (slot and token), summed over attempts. */
  queuedMs = 0
  /** A slot and a token are held for the call's next pass through the scheduler (Scheduler.reserve). */
  reserved = false
  /** The call's trace when the dispatcher traces (trace.ts), else undefined. */
  trace: CallTrace | undefined = undefined

  constructor (
    readonly method: string,
    /** With the query string; the supplier's base path already prefixed. */
    readonly path: string,
    readonly headers: Record<string, string>,
    readonly body: Buffer | string | undefined,
    readonly idempotent: boolean,
    readonly priority: number,
    /** Absolute Clock time after which no attempt may start. */
    readonly deadline: number | undefined
  ) {}
}
