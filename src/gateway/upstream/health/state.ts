// The health of one target of one upstream: what active probes and passive ejection decided, and
// since when it is available (slow start ramps from there). It is a keyed resource of its own
// (`health|upstream|origin`), apart from the Target and its pool: a reload that changes the pool
// settings, the balancer or the health-check settings keeps a down target down and an ejected
// one ejected; only a target that leaves the upstream loses its state (and its gauge series).
//
// Two deciders, one verdict: `down` belongs to the active probe, the ejection to passive health.
// Each clears only its own part, so a target back from ejection but still failing its probes
// stays out, and the other way round.

import type { Counter, Gauge } from 'prom-client'
import type { Clock, TimerHandle } from '../../../core/clock.js'
import type { Resource } from '../../resources.js'
import type { TargetHealth } from '../balancers/index.js'

/** Consecutive ejections double the time out, up to this many times `ejectFor`. */
export const MAX_EJECT_FACTOR = 8

export interface HealthStateDeps {
  clock: Clock
  upstream: string
  /** The target's origin (its id). */
  target: string
  /** sluice_upstream_target_healthy */
  healthy?: Gauge<string>
  /** sluice_upstream_ejections_total */
  ejections?: Counter<string>
}

export class TargetHealthState implements Resource {
  readonly key: string
  health: TargetHealth = 'healthy'
  /**
   * Clock time since which the target is available; slow start ramps its share up from here.
   * -Infinity when it never ramps (a target of an upstream that came with it).
   */
  availableSince: number
  /** Real failures in a row (passive health). */
  failures = 0
  /** The active probe whose verdict `down` is; a probe that leaves clears it only if it still owns it. */
  prober: object | undefined = undefined
  #down = false
  #ejectTimer: TimerHandle | undefined = undefined
  /** Ejections in a row, for the doubling. */
  #ejections = 0
  #lastEjectMs = 0
  #returnedAt = -Infinity
  #closed = false
  readonly #deps: HealthStateDeps
  readonly #labels: [string, string]

  constructor (deps: HealthStateDeps, ramp = false) {
    this.key = healthKey(deps.upstream, deps.target)
    this.#deps = deps
    this.#labels = [deps.upstream, deps.target]
    this.availableSince = ramp ? deps.clock.now() : -Infinity
  }

  get down (): boolean { return this.#down }
  get ejected (): boolean { return this.#ejectTimer !== undefined }

  setDown (down: boolean): void {
    if (this.#down === down) return
    this.#down = down
    this.#refresh()
  }

  /**
   * Takes the target out for `baseMs`, doubled for each ejection in a row (at most
   * MAX_EJECT_FACTOR times `baseMs`). The row ends once the target has stayed in for as long as
   * its last ejection lasted. Returns the time out.
   */
  eject (baseMs: number): number {
    const now = this.#deps.clock.now()
    if (now - this.#returnedAt >= this.#lastEjectMs) this.#ejections = 0
    const ms = Math.min(baseMs * 2 ** this.#ejections, baseMs * MAX_EJECT_FACTOR)
    this.#ejections++
    this.#lastEjectMs = ms
    this.failures = 0
    this.#ejectTimer?.cancel()
    this.#ejectTimer = this.#deps.clock.setTimeout(() => {
      this.#ejectTimer = undefined
      this.#returnedAt = this.#deps.clock.now()
      this.#refresh()
    }, ms)
    this.#deps.ejections?.inc({ upstream: this.#labels[0], target: this.#labels[1] })
    this.#refresh()
    return ms
  }

  /**
   * Ends an ejection early: the active probes saw the target come back (a restarted server
   * should not sit out the rest of an ejection its crash earned).
   */
  endEjection (): void {
    if (this.#ejectTimer === undefined) return
    this.#ejectTimer.cancel()
    this.#ejectTimer = undefined
    this.#returnedAt = this.#deps.clock.now()
    this.#refresh()
  }

  start (): void {
    this.#gauge()
  }

  close (): void {
    // Its probe may close after it (same release) and clear its verdict: the series stays gone.
    this.#closed = true
    this.#ejectTimer?.cancel()
    this.#ejectTimer = undefined
    this.#deps.healthy?.remove(...this.#labels)
  }

  #refresh (): void {
    const was = this.health
    this.health = this.#down ? 'unhealthy' : this.ejected ? 'ejected' : 'healthy'
    if (was === this.health) return
    if (this.health === 'healthy') this.availableSince = this.#deps.clock.now()
    this.#gauge()
  }

  #gauge (): void {
    if (this.#closed) return
    this.#deps.healthy?.set({ upstream: this.#labels[0], target: this.#labels[1] }, this.health === 'healthy' ? 1 : 0)
  }
}

export function healthKey (upstream: string, origin: string): string {
  return `health|${upstream}|${origin}`
}
