// One upstream target: an undici Pool (keep-alive, bounded sockets) plus the counters the
// balancers read. Targets outlive snapshots when their settings are unchanged, so a reload keeps
// warm connections.

import { Pool } from 'undici'
import type { Dispatcher } from 'undici'
import type { Counter } from 'prom-client'
import { CodeCounter } from '../../observability/recorder.js'
import type { Recorder } from '../../observability/recorder.js'
import type { BalancerTarget, TargetHealth } from './balancers/index.js'
import { continueSkippingConnector } from './skip-continue.js'
import { TargetHealthState } from './health/state.js'
import { systemClock } from '../../core/clock.js'

export interface TargetOptions {
  /** Origin, e.g. http://127.0.0.1:9001 (no path). */
  url: string
  weight: number
  connections: number
  keepAliveTimeoutMs: number
  connectTimeoutMs: number
  /** No body bytes from the upstream for this long cuts the response. */
  idleTimeoutMs: number
}

export interface TargetDeps {
  upstream: string
  /** sluice_upstream_requests_total */
  requests: Counter<string>
  recorder: Recorder
  /** Health verdicts, shared with any other Target of this upstream and origin (health/state.ts). */
  state?: TargetHealthState
}

/**
 * A target as the admin API shows it. Resilience parts (active health, ejection) add their own
 * fields here; a field the gateway does not have is absent, never a made-up default.
 */
export interface TargetSnapshot {
  url: string
  weight: number
  inFlight: number
  /** The balancer's view: only `healthy` targets are picked. */
  health: TargetHealth
  /**
   * What live traffic says, checks or not: the last attempt's status (0 = no response: refused,
   * reset, timed out) and how many attempts in a row got no response.
   */
  lastAttempt?: { code: number, noResponseInRow: number }
  /** With `healthCheck.active`: the probe's verdict. */
  activeCheck?: 'passing' | 'failing'
  /** With `healthCheck.passive`: real failures in a row, counted towards an ejection. */
  passiveFailures?: number
}

export class Target implements BalancerTarget {
  readonly id: string
  readonly weight: number
  /** Identity of everything that shapes the pool; equal keys may share one Target across reloads. */
  readonly key: string
  inFlight = 0
  readonly state: TargetHealthState
  readonly #pool: Pool
  readonly #requests: CodeCounter
  #lastCode = -1
  #noResponseInRow = 0
  #closing: Promise<void> | undefined

  constructor (options: TargetOptions, deps: TargetDeps) {
    this.id = new URL(options.url).origin
    this.weight = options.weight
    this.key = targetKey(options, deps.upstream)
    this.state = deps.state ?? new TargetHealthState({ clock: systemClock, upstream: deps.upstream, target: this.id })
    this.#requests = new CodeCounter(deps.recorder, deps.requests, [deps.upstream, this.id])
    this.#pool = new Pool(this.id, {
      connections: options.connections,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connect: continueSkippingConnector({ timeout: options.connectTimeoutMs }),
      // The response timeout is a policy on the Clock (see upstream.ts); undici's own header timer
      // would only duplicate it.
      headersTimeout: 0,
      bodyTimeout: options.idleTimeoutMs,
      // One request per connection at a time: skip-continue.ts relies on it.
      pipelining: 1,
    })
  }

  get health (): TargetHealth { return this.state.health }

  dispatch (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    this.#pool.dispatch(opts, handler)
  }

  /** Counts one attempt by status (0 = no response). */
  count (code: number): void {
    this.#requests.inc(code)
    this.#lastCode = code
    this.#noResponseInRow = code === 0 ? this.#noResponseInRow + 1 : 0
  }

  snapshot (): TargetSnapshot {
    const s: TargetSnapshot = { url: this.id, weight: this.weight, inFlight: this.inFlight, health: this.health }
    if (this.#lastCode !== -1) s.lastAttempt = { code: this.#lastCode, noResponseInRow: this.#noResponseInRow }
    if (this.state.prober !== undefined) s.activeCheck = this.state.down ? 'failing' : 'passing'
    return s
  }

  /** Waits for in-flight requests, then closes the sockets. Idempotent. */
  close (): Promise<void> {
    this.#closing ??= this.#pool.close().catch(() => {})
    return this.#closing
  }

  /** Cuts every socket now (used when a drain deadline passes). */
  async destroy (): Promise<void> {
    await this.#pool.destroy().catch(() => {})
  }
}

/** The target's resource key (resources.ts): its kind, its upstream and every setting of its pool. */
export function targetKey (o: TargetOptions, upstream: string): string {
  return `target|${upstream}|${new URL(o.url).origin}|${o.weight}|${o.connections}|${o.keepAliveTimeoutMs}|${o.connectTimeoutMs}|${o.idleTimeoutMs}`
}
