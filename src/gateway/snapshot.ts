// Config compiled into an immutable snapshot: router, routes, upstreams. A reload builds a new one
// beside the current one and swaps a single reference; requests keep the snapshot they started
// on. Targets whose settings did not change move over with their pools (warm sockets), and an
// upstream whose whole config is unchanged is carried over as is (balancer state included).

import type { Clock, Random } from '../core/clock.js'
import { parseDuration, parseSize } from '../core/duration.js'
import { stableKey } from '../core/stable-key.js'
import type { GatewayConfig, UpstreamConfig } from '../config/schema/index.js'
import type { Logger } from '../observability/logger.js'
import type { Metrics } from '../observability/metrics.js'
import { compileCidrs } from './cidr.js'
import type { CidrMatcher } from './cidr.js'
import { RouteMetrics } from './route.js'
import type { CompiledRoute } from './route.js'
import { compileRouter } from './router/router.js'
import type { Router } from './router/types.js'
import { compileRewrite } from './router/rewrite.js'
import { SlotAllocator } from './slots.js'
import { StageBuilder } from './stages/index.js'
import { Target, targetKey } from './upstream/target.js'
import type { TargetOptions } from './upstream/target.js'
import { Upstream } from './upstream/upstream.js'

export interface SnapshotDeps {
  clock: Clock
  random: Random
  logger: Logger
  metrics: Metrics
  /** Signs affinity cookies of upstreams without `affinity.secret` (affinity-key.ts). */
  affinityKey: Buffer
}

export interface Snapshot {
  readonly config: GatewayConfig
  readonly router: Router<CompiledRoute>
  readonly upstreams: ReadonlyMap<string, Upstream>
  /** Every target this snapshot uses. */
  readonly targets: ReadonlySet<Target>
  /** server.trustedProxies, compiled: whose forwarding headers name the client (Context.clientIp). */
  readonly trusted: CidrMatcher
}

export function buildSnapshot (config: GatewayConfig, previous: Snapshot | undefined, deps: SnapshotDeps): Snapshot {
  const targets = new Set<Target>()
  try {
    return build(config, previous, deps, targets)
  } catch (err) {
    // A rejected build must not leave pools behind; the ones it borrowed stay with `previous`.
    for (const t of targets) if (previous?.targets.has(t) !== true) t.close()
    throw err
  }
}

function build (
  config: GatewayConfig, previous: Snapshot | undefined, deps: SnapshotDeps, targets: Set<Target>
): Snapshot {
  const oldTargets = new Map<string, Target>()
  for (const t of previous?.targets ?? []) oldTargets.set(t.key, t)
  const upstreams = new Map<string, Upstream>()
  for (const [name, uc] of Object.entries(config.upstreams)) {
    const hash = stableKey(uc)
    const prev = previous?.upstreams.get(name)
    const up = prev !== undefined && prev.hash === hash
      ? prev
      : buildUpstream(name, hash, uc, oldTargets, targets, deps)
    upstreams.set(name, up)
    for (const t of up.targets) targets.add(t)
  }
  const stages = new StageBuilder(config, {
    ...deps, trustedProxies: config.server.trustedProxies, slots: new SlotAllocator(),
  })
  const router = compileRouter(config.routes.map((r) => {
    const route: CompiledRoute = {
      name: r.name,
      upstream: upstreams.get(r.upstream)!,
      stages: stages.forRoute(r),
      rewrite: compileRewrite({ stripPrefix: r.stripPrefix, rewrite: r.rewrite }, r.match),
      preserveHost: r.preserveHost,
      maxBodySize: r.maxBodySize === undefined ? undefined : parseSize(r.maxBodySize),
      metrics: new RouteMetrics(r.name, deps.metrics),
    }
    return { name: r.name, match: r.match, priority: r.priority, payload: route }
  }))
  return Object.freeze({ config, router, upstreams, targets, trusted: compileCidrs(config.server.trustedProxies) })
}

function buildUpstream (
  name: string, hash: string, uc: UpstreamConfig, reusable: Map<string, Target>, used: Set<Target>, deps: SnapshotDeps
): Upstream {
  const targets = uc.targets.map((tc) => {
    const options: TargetOptions = {
      url: tc.url,
      weight: tc.weight,
      connections: uc.pool.connections,
      keepAliveTimeoutMs: parseDuration(uc.pool.keepAliveTimeout),
      connectTimeoutMs: parseDuration(uc.timeouts.connect),
      idleTimeoutMs: parseDuration(uc.timeouts.idle),
    }
    const t = reusable.get(targetKey(options, name)) ??
      new Target(options, {
        upstream: name,
        requests: deps.metrics.upstreamRequests,
        recorder: deps.metrics.recorder,
      })
    used.add(t)
    return t
  })
  return new Upstream({
    name,
    hash,
    balancer: uc.balancer,
    hashOn: uc.hashOn,
    affinity: uc.affinity === undefined
      ? undefined
      : {
          cookie: uc.affinity.cookie,
          ttlMs: parseDuration(uc.affinity.ttl),
          key: uc.affinity.secret ?? deps.affinityKey,
        },
    responseTimeoutMs: parseDuration(uc.timeouts.response),
  }, targets, deps)
}

/**
 * A snapshot in service, with the count of requests still using it, so that the parts a reload
 * dropped are closed only once the last request that started on it is over.
 */
export class LiveSnapshot {
  readonly snapshot: Snapshot
  inFlight = 0
  #onIdle: (() => void) | undefined

  constructor (snapshot: Snapshot) {
    this.snapshot = snapshot
  }

  enter (): void { this.inFlight++ }

  leave (): void {
    if (--this.inFlight === 0 && this.#onIdle !== undefined) {
      const f = this.#onIdle
      this.#onIdle = undefined
      f()
    }
  }

  /** Runs `fn` once no request uses this snapshot any more (now, if none does). */
  retire (fn: () => void): void {
    if (this.inFlight === 0) fn()
    else this.#onIdle = fn
  }
}

/** Targets of `old` that `next` no longer uses: safe to close once `old` has no requests left. */
export function retiredTargets (old: Snapshot, next: Snapshot | undefined): Target[] {
  return [...old.targets].filter(t => next === undefined || !next.targets.has(t))
}
