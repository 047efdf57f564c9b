// Active health checks: GET `path` on one target every `interval`, on a connection of the probe's
// own (a probe queued behind a saturated pool would report the pool, not the target). The target
// goes down after `unhealthyThreshold` failed probes in a row and comes back after
// `healthyThreshold` good ones. A probe fails on a connect error, a reset, no response head
// within `timeout`, or a status outside `expectStatus`.
//
// Probes start at fixed times (start, start + interval, …) whatever each one took, so with
// unhealthyThreshold 2 a target that dies is down within 2 × interval of dying. The timeout is at
// most the interval (config check), so probes never overlap.
//
// One probe per target per health-check config (its resource key names both): a reload that keeps
// them keeps the probe and its streaks; a changed config starts a new probe whose streaks start
// from zero while the target's verdict (state.ts) stays as it was. The probe that leaves the
// config for good clears the verdict it owned.

import { Client } from 'undici'
import type { Clock, TimerHandle } from '../../../core/clock.js'
import type { Logger } from '../../../observability/logger.js'
import type { Resource } from '../../resources.js'
import type { HealthBus } from './bus.js'
import type { TargetHealthState } from './state.js'

export interface ActiveHealthOptions {
  path: string
  intervalMs: number
  timeoutMs: number
  healthyThreshold: number
  unhealthyThreshold: number
  /** Inclusive status range of a good probe. */
  expect: readonly [number, number]
}

export interface ActiveProbeDeps {
  clock: Clock
  bus: HealthBus
  logger: Logger
}

const USER_AGENT = 'sluice-health-check'

export class ActiveProbe implements Resource {
  readonly #origin: string
  readonly #state: TargetHealthState
  readonly #options: ActiveHealthOptions
  readonly #deps: ActiveProbeDeps
  #client: Client | undefined = undefined
  #timer: TimerHandle | undefined = undefined
  #unsubscribe: Array<() => void> = []
  #closed = false
  #running = false
  #good = 0
  #bad = 0
  /** Probes finished (for tests and logs). */
  probes = 0

  constructor (origin: string, state: TargetHealthState, options: ActiveHealthOptions, deps: ActiveProbeDeps) {
    this.#origin = origin
    this.#state = state
    this.#options = options
    this.#deps = deps
  }

  /** The origin this probe checks. */
  get target (): string { return this.#origin }

  start (): void {
    const { bus } = this.#deps
    this.#state.prober = this
    this.#unsubscribe = [
      bus.onLeader(() => { this.#schedule(0) }),
      // In a worker that does not probe, the leader's verdicts are this probe's.
      bus.subscribe(this.#state.key, (down) => { if (!bus.leader && this.#owns()) this.#apply(down) }),
    ]
    this.#schedule(0)
  }

  close (): Promise<void> {
    this.#closed = true
    this.#timer?.cancel()
    for (const f of this.#unsubscribe) f()
    if (this.#owns()) {
      this.#state.prober = undefined
      this.#state.setDown(false)
    }
    const client = this.#client
    this.#client = undefined
    return client === undefined ? Promise.resolve() : client.destroy().catch(() => {})
  }

  #schedule (ms: number): void {
    this.#timer?.cancel()
    this.#timer = undefined
    if (this.#closed || !this.#deps.bus.leader) return
    this.#timer = this.#deps.clock.setTimeout(() => { this.#tick() }, ms)
  }

  #tick (): void {
    this.#schedule(this.#options.intervalMs)
    if (this.#running) return
    this.#running = true
    this.#probe().then((ok) => {
      this.#running = false
      this.probes++
      if (!this.#closed && this.#owns()) this.#record(ok)
    })
  }

  /** One probe: resolves true for a good one, false otherwise; never rejects. */
  async #probe (): Promise<boolean> {
    const { path, timeoutMs, expect } = this.#options
    const ac = new AbortController()
    const timer = this.#deps.clock.setTimeout(() => { ac.abort() }, timeoutMs)
    try {
      this.#client ??= new Client(this.#origin, {
        pipelining: 1,
        connect: { timeout: timeoutMs },
        // The probe's own timer bounds the head; an answer's body is dropped unread.
        headersTimeout: 0,
        bodyTimeout: timeoutMs,
      })
      const res = await this.#client.request({ method: 'GET', path, signal: ac.signal, headers: { 'user-agent': USER_AGENT } })
      res.body.dump().catch(() => {})
      return res.statusCode >= expect[0] && res.statusCode <= expect[1]
    } catch {
      return false
    } finally {
      timer.cancel()
    }
  }

  /** A newer probe of the same target (a reload changed the config) decides from now on. */
  #owns (): boolean {
    return this.#state.prober === this
  }

  #record (ok: boolean): void {
    const o = this.#options
    if (ok) {
      this.#bad = 0
      this.#good++
    } else {
      this.#good = 0
      this.#bad++
    }
    const state = this.#state
    const down = state.down
    if (down && this.#good >= o.healthyThreshold) this.#verdict(false)
    else if (!down && this.#bad >= o.unhealthyThreshold) this.#verdict(true)
  }

  /** A target the probes see come back is back, even from an ejection (state.endEjection). */
  #apply (down: boolean): void {
    this.#state.setDown(down)
    if (!down) this.#state.endEjection()
  }

  #verdict (down: boolean): void {
    this.#apply(down)
    this.#deps.bus.publish(this.#state.key, down)
    this.#deps.logger.warn({ target: this.#origin, health: down ? 'down' : 'up', path: this.#options.path },
      down ? 'target failed its health checks' : 'target passed its health checks again')
  }
}

/** `"200-399"` or `"204"` → inclusive range (the config check has ruled out the rest). */
export function parseStatusRange (s: string): [number, number] {
  const [lo, hi] = s.split('-').map(Number) as [number, number | undefined]
  return [lo, hi ?? lo]
}
