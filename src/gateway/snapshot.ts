// Config compiled into an immutable snapshot: router, routes, upstreams. A reload builds a new one
// beside the current one and swaps a single reference; requests keep the snapshot they started
// on. Targets are keyed resources (resources.ts): one whose settings did not change moves over
// with its pool (warm sockets). An upstream whose whole config is unchanged is carried over as is
// (balancer state included).

import type { Clock, Random, TimerHandle } from '../core/clock.js'
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
import type { ResourceRegistry, ResourceSet } from './resources.js'
import { SlotAllocator } from './slots.js'
import { usageReaderFor } from './rate-limits/usage.js'
import type { UsageReader } from './rate-limits/usage.js'
import { StageBuilder } from './stages/index.js'
import { guardKey, UpstreamGuard } from './upstream/guard.js'
import { Target, targetKey } from './upstream/target.js'
import type { TargetOptions } from './upstream/target.js'
import { retryOptions, UpstreamRetry } from './upstream/retry.js'
import { Upstream } from './upstream/upstream.js'
import type { HealthBus } from './upstream/health/bus.js'
import { healthParts } from './upstream/health/build.js'

export interface SnapshotDeps {
  clock: Clock
  random: Random
  logger: Logger
  metrics: Metrics
  /** Signs affinity cookies of upstreams without `affinity.secret` (affinity-key.ts). */
  affinityKey: Buffer
  /** Where parts that outlive a snapshot (targets, …) are kept, by the key of their config. */
  resources: ResourceRegistry
  /** Where active-probe verdicts are shared between the processes of one instance (default: none). */
  health?: HealthBus
  /** The config file's directory (relative paths in the config); the working directory when unset. */
  baseDir?: string
}

export interface Snapshot {
  readonly config: GatewayConfig
  readonly router: Router<CompiledRoute>
  readonly upstreams: ReadonlyMap<string, Upstream>
  /** Every target this snapshot uses. */
  readonly targets: ReadonlySet<Target>
  /** The keyed parts this snapshot holds: activate when it goes live, release when it retires. */
  readonly resources: ResourceSet
  /** server.trustedProxies, compiled: whose forwarding headers name the client (Context.clientIp). */
  readonly trusted: CidrMatcher
  /** A consumer's plan-limit counters, read without charging (GET /admin/consumers/{id}/usage). */
  readonly usage: UsageReader
}

/**
 * Builds the snapshot for `config`, reusing what `previous` (the live one) built from equal config.
 * The caller activates `resources` when it goes live; a build that throws has already given back
 * the parts it made (the ones it borrowed stay with `previous`).
 */
export function buildSnapshot (config: GatewayConfig, previous: Snapshot | undefined, deps: SnapshotDeps): Snapshot {
  const set = deps.resources.begin()
  try {
    return build(config, previous, deps, set)
  } catch (err) {
    deps.resources.discard(set).catch(() => {})
    throw err
  }
}

function build (config: GatewayConfig, previous: Snapshot | undefined, deps: SnapshotDeps, set: ResourceSet): Snapshot {
  const targets = new Set<Target>()
  const upstreams = new Map<string, Upstream>()
  for (const [name, uc] of Object.entries(config.upstreams)) {
    const hash = stableKey(uc)
    const prev = previous?.upstreams.get(name)
    let up: Upstream
    if (prev !== undefined && prev.hash === hash) {
      up = prev
      for (const t of up.targets) set.use(t.key, () => t)
      for (const [key, part] of up.parts) set.use(key, () => part)
      if (up.guard !== undefined) set.use(up.guard.key, () => up.guard!)
    } else {
      up = buildUpstream(name, hash, uc, set, deps, parseSize(config.server.requestBuffering), prev !== undefined)
    }
    upstreams.set(name, up)
    for (const t of up.targets) targets.add(t)
  }
  const stages = new StageBuilder(config, {
    ...deps,
    trustedProxies: config.server.trustedProxies,
    slots: new SlotAllocator(),
    config,
    resources: set,
    baseDir: deps.baseDir ?? process.cwd(),
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
  const usage = usageReaderFor(config, { ...deps, resources: set })
  return Object.freeze({
    config, router, upstreams, targets, resources: set, trusted: compileCidrs(config.server.trustedProxies), usage,
  })
}

function buildUpstream (
  name: string, hash: string, uc: UpstreamConfig, set: ResourceSet, deps: SnapshotDeps, requestBufferingBytes: number,
  existed: boolean
): Upstream {
  const health = healthParts(name, uc, set, deps, existed)
  const targets = uc.targets.map((tc) => {
    const options: TargetOptions = {
      url: tc.url,
      weight: tc.weight,
      connections: uc.pool.connections,
      keepAliveTimeoutMs: parseDuration(uc.pool.keepAliveTimeout),
      connectTimeoutMs: parseDuration(uc.timeouts.connect),
      idleTimeoutMs: parseDuration(uc.timeouts.idle),
    }
    const state = health.state(tc.url)
    return set.use(targetKey(options, name), () => new Target(options, {
      upstream: name,
      requests: deps.metrics.upstreamRequests,
      recorder: deps.metrics.recorder,
      state,
    }))
  })
  health.probe(targets)
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
    responseTimeoutMs: parseDuration(uc.retry.perTryTimeout ?? uc.timeouts.response),
    uploadIdleTimeoutMs: parseDuration(uc.timeouts.idle),
    requestBufferingBytes,
    ...health.options,
    guard: uc.circuitBreaker === undefined && uc.limits === undefined
      ? undefined
      : set.use(guardKey(name, hash), () => new UpstreamGuard(name, hash, uc, deps.clock)),
    retry: new UpstreamRetry(name, retryOptions(uc.retry), deps),
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
  #deadline: TimerHandle | undefined

  constructor (snapshot: Snapshot) {
    this.snapshot = snapshot
  }

  enter (): void { this.inFlight++ }

  leave (): void {
    if (--this.inFlight === 0 && this.#onIdle !== undefined) {
      const f = this.#onIdle
      this.#onIdle = undefined
      this.#deadline?.cancel()
      f()
    }
  }

  /**
   * Runs `fn` once no request uses this snapshot any more (now, if none does). With `deadline`,
   * requests still left after `ms` are the ones a drain would cut: `cut` runs then, so that what
   * they hold is freed (they end with it, and `fn` follows).
   */
  retire (fn: () => void, deadline?: { clock: Clock, ms: number, cut: () => void }): void {
    if (this.inFlight === 0) {
      fn()
      return
    }
    this.#onIdle = fn
    if (deadline !== undefined) this.#deadline = deadline.clock.setTimeout(deadline.cut, deadline.ms)
  }
}
