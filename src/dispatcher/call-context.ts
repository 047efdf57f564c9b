// A call's policy context, with the call's own cancellation. Its AbortController is made only when
// someone reads `signal` (a transport, a backoff, a pass that must queue): on the common path
// nothing does, and making an AbortSignal per call would cost the GC more than the rest of the
// call. `cut` aborts it, or records the reason for a signal made later.

import type { PolicyContext } from '../core/policy.js'
import type { CallState } from './call-state.js'
import type { CutWatcher } from './transport.js'

export class CallContext implements PolicyContext<CallState> {
  #ctrl: AbortController | undefined = undefined
  #cut = false
  #reason: unknown = undefined
  /** The running attempt, told of a cut without an AbortSignal (see attempt.ts). */
  #watcher: CutWatcher | undefined = undefined

  constructor (readonly meta: CallState) {}

  /** The retry policy numbers the attempts it makes; the call itself is the first. */
  get attempt (): number { return 1 }

  get signal (): AbortSignal {
    if (this.#ctrl === undefined) {
      const c = this.#ctrl = new AbortController()
      if (this.#cut) c.abort(this.#reason)
    }
    return this.#ctrl.signal
  }

  /** True once cut; `reason` says why. */
  get isCut (): boolean { return this.#cut }
  get reason (): unknown { return this.#reason }

  /** Cuts the call: its signal aborts with `reason`, its running attempt is told. False when it already was. */
  cut (reason: unknown): boolean {
    if (this.#cut) return false
    this.#cut = true
    this.#reason = reason
    this.#ctrl?.abort(reason)
    const w = this.#watcher
    this.#watcher = undefined
    w?.attemptCut(reason)
    return true
  }

  /** `w` hears of a cut (at once if the call already is); one attempt runs at a time. */
  watch (w: CutWatcher): void {
    if (this.#cut) w.attemptCut(this.#reason)
    else this.#watcher = w
  }

  unwatch (w: CutWatcher): void {
    if (this.#watcher === w) this.#watcher = undefined
  }
}
