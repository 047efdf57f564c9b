// Passive health (outlier ejection, Envoy's consecutive_5xx): every attempt's outcome feeds its
// target's streak of real failures; `consecutiveFailures` in a row eject the target for `ejectFor`
// (doubled per ejection in a row, state.ts), unless that would take out more than
// `maxEjectedPercent` of the upstream's targets. Then the target stays in with its streak intact,
// and its next failure tries again.
//
// A real failure says the target is sick: no connection, a reset, an invalid response, no
// response head within timeouts.response, or any 5xx status. A client that left, a request body
// over the limit, a 4xx or a 429 say nothing about the target and leave the streak alone; any
// other response ends it.

import type { TargetHealthState } from './state.js'

export interface PassiveHealthOptions {
  consecutiveFailures: number
  ejectForMs: number
  maxEjectedPercent: number
}

export class OutlierEjection {
  readonly #options: PassiveHealthOptions
  readonly #states: readonly TargetHealthState[]
  readonly #maxEjected: number

  constructor (options: PassiveHealthOptions, states: readonly TargetHealthState[]) {
    this.#options = options
    this.#states = states
    this.#maxEjected = Math.floor(states.length * options.maxEjectedPercent / 100)
  }

  /** One attempt's outcome: `failed` for a real failure (see above). */
  record (state: TargetHealthState, failed: boolean): void {
    if (!failed) {
      state.failures = 0
      return
    }
    if (++state.failures < this.#options.consecutiveFailures || state.ejected) return
    if (this.#ejectedCount() >= this.#maxEjected) return
    state.eject(this.#options.ejectForMs)
  }

  #ejectedCount (): number {
    let n = 0
    for (const s of this.#states) if (s.ejected) n++
    return n
  }
}
