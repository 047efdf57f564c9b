// The public gateway object: load config → build snapshot → listen; reload = build beside and
// swap; close = drain, then close the pools. The CLI and the admin API drive it.

import { dirname, resolve } from 'node:path'
import type { Clock, Random } from '../core/clock.js'
import { systemClock } from '../core/clock.js'
import { parseDuration, parseSize } from '../core/duration.js'
import { loadConfigFile } from '../config/load.js'
import type { GatewayConfig } from '../config/schema/index.js'
import { watchConfig } from '../config/watch.js'
import { ConfigError } from '../errors.js'
import { createAccessLog } from '../observability/access-log.js'
import type { AccessLog } from '../observability/access-log.js'
import { createLogger } from '../observability/logger.js'
import type { Logger } from '../observability/logger.js'
import { createMetrics } from '../observability/metrics.js'
import { registerProcessMetrics } from '../observability/process-metrics.js'
import type { Metrics } from '../observability/metrics.js'
import { bindUpstreamGauges } from '../observability/upstream-gauges.js'
import { processAffinityKey } from './affinity-key.js'
import { RELOAD_SIGNALS } from './reload-signals.js'
import { createServer } from './server.js'
import { ResourceRegistry } from './resources.js'
import { configHash, ReloadLog } from './reload-log.js'
import { buildSnapshot, LiveSnapshot } from './snapshot.js'
import type { Snapshot } from './snapshot.js'
import type { Target } from './upstream/target.js'
import type { HealthBus } from './upstream/health/bus.js'

/** Options of `createGateway`. */
export interface GatewayOptions {
  /** The YAML config file: read at start (unless `config` is given), on reload and watched. */
  configPath: string
  /** Already loaded config (skips the first read of configPath). */
  config?: GatewayConfig
  /** Where logs and the access log go [a pino logger at `logging.level` on stdout]. */
  logger?: Logger
  /** The Prometheus metrics to fill [`createMetrics()` on a fresh registry]. */
  metrics?: Metrics
  /** Time source for timeouts, breakers, health checks and rate limits [systemClock]. */
  clock?: Clock
  /** Randomness in [0, 1) for balancers and jitter [Math.random]. */
  random?: Random
  /** Shares active-probe verdicts with the other workers of a cluster (cluster-health.ts). */
  health?: HealthBus
}

/** What `reload()` did: swapped to the new config, or kept the old one because of `error`. */
export type ReloadResult =
  | {
    /** The new config is in use. */
    ok: true
  }
  | {
    /** The file was invalid; the current config stays in use. */
    ok: false
    /** Every problem, located as `file:line:col path: message`. */
    error: ConfigError
  }

/** A running API gateway, made by `createGateway`: call `listen()` to serve. */
export interface Gateway {
  /** Starts the data-plane listener on server.host:server.port. */
  listen (): Promise<{ host: string, port: number }>
  /** Re-reads configPath; swaps to it, or keeps the current config and reports why. */
  reload (): Promise<ReloadResult>
  /** Graceful drain (server.drainTimeout), then every pool closed. */
  close (): Promise<void>
  /** Watches configPath (debounced), SIGHUP and SIGUSR1; returns the function that stops them. */
  watch (): () => void
  /** The config in use (the last one loaded successfully), frozen. */
  readonly config: GatewayConfig
  /** The compiled snapshot new requests start on (read-only view for the admin API and tests). */
  readonly snapshot: Snapshot
  /** Its Prometheus metrics (the admin listener serves them on `/metrics`). */
  readonly metrics: Metrics
  /** Its pino logger. */
  readonly logger: Logger
  /** The config file this gateway reloads from. */
  readonly configPath: string
  /** The config in service (hash, loaded at) and the last reload attempts, for the admin API. */
  readonly reloads: ReloadLog
  /** True after listen() and until close() starts. */
  readonly serving: boolean
  /** Hands the access-log lines still batched (access-log.ts) to the logger's destination now. */
  flushAccessLog (): void
}

/**
 * Creates an API gateway from a YAML config file (docs/config.md): routes, upstreams, auth, rate
 * limits and observability. It does not listen until `listen()`.
 *
 * @throws `ConfigError` (`SLC_CONFIG_INVALID`) listing every problem as `file:line:col path: message`.
 */
export async function createGateway (opts: GatewayOptions): Promise<Gateway> {
  const first = opts.config ?? await loadConfigFile(opts.configPath)
  const logger = opts.logger ?? createLogger({ level: first.logging.level })
  const metrics = opts.metrics ?? createMetrics()
  registerProcessMetrics(metrics.registry)
  const configInfo = (config: GatewayConfig): void => {
    metrics.configInfo.reset()
    metrics.configInfo.set({ hash: configHash(config) }, 1)
  }
  configInfo(first)
  const clock = opts.clock ?? systemClock
  const resources = new ResourceRegistry((err, key) => logger.error({ err, resource: key }, 'resource start/close failed'))
  const random = opts.random ?? Math.random
  const baseDir = dirname(resolve(opts.configPath))
  const deps = {
    clock, random, logger, metrics, affinityKey: processAffinityKey(), resources, baseDir, health: opts.health,
  }
  const access = createAccessLog(logger)
  const sc = first.server

  let live = new LiveSnapshot(buildSnapshot(first, undefined, deps))
  const reloads = new ReloadLog(first, clock.wallNow())
  resources.activate(live.snapshot.resources)
  const unbindGauges = bindUpstreamGauges(metrics, () => live.snapshot.upstreams.values())
  let accessLog: AccessLog | undefined = first.logging.accessLog ? access : undefined
  let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true })
  let closing: Promise<void> | undefined
  /** Old snapshots whose requests are not over yet. */
  const retiring = new Set<LiveSnapshot>()

  /** Targets of `old` that the snapshot in service no longer uses. */
  function dropped (old: LiveSnapshot): Target[] {
    return [...old.snapshot.targets].filter(t => !live.snapshot.targets.has(t))
  }

  // Loaded only when configured: with tracing off no OpenTelemetry module is even imported.
  const tracer = first.tracing === undefined
    ? undefined
    : (await import('../observability/tracing/gateway-tracer.js')).createGatewayTracer(first.tracing, {
        onDrop: (n, reason) => { metrics.tracingSpansDropped.inc({ reason }, n) },
      })

  const server = createServer({
    host: sc.host,
    port: sc.port,
    keepAliveTimeoutMs: parseDuration(sc.keepAliveTimeout),
    maxHeaderSize: parseSize(sc.maxHeaderSize),
    maxHeaderCount: sc.maxHeaderCount,
    maxConnections: sc.maxConnections,
    headersTimeoutMs: parseDuration(sc.timeouts.headers),
    bodyTimeoutMs: parseDuration(sc.timeouts.body),
    idleTimeoutMs: parseDuration(sc.timeouts.idle),
  }, { clock, logger, metrics, current: () => live, accessLog: () => accessLog, tracer })

  async function doReload (): Promise<ReloadResult> {
    let next
    try {
      const config = await loadConfigFile(opts.configPath, process.env, (line) => logger.warn(line))
      next = buildSnapshot(config, live.snapshot, deps)
    } catch (err) {
      const error = err instanceof ConfigError
        ? err
        : new ConfigError([`${opts.configPath}: ${(err as Error).message}`], { cause: err })
      logger.error({ issues: error.issues }, 'config reload failed; keeping the current config')
      metrics.configReloads.inc({ result: 'failure' })
      reloads.failed(error.issues, clock.wallNow())
      return { ok: false, error }
    }
    resources.activate(next.resources)
    const old = live
    live = new LiveSnapshot(next)
    const cfg = next.config
    warnOnStaticChanges(old.snapshot.config, cfg)
    logger.level = cfg.logging.level
    accessLog = cfg.logging.accessLog ? access : undefined
    // Parts the new snapshot still holds stay open; the rest close once the old one's requests are
    // over. Requests still on them after drainTimeout are cut like a drain's leftovers: their pools
    // are destroyed (those requests get 502, or a cut response), so a stuck request cannot keep a
    // dropped upstream's sockets open for good.
    retiring.add(old)
    old.retire(() => {
      retiring.delete(old)
      resources.release(old.snapshot.resources).catch(() => {})
    }, {
      clock,
      ms: parseDuration(cfg.server.drainTimeout),
      cut: () => { for (const t of dropped(old)) t.destroy().catch(() => {}) },
    })
    metrics.configReloads.inc({ result: 'success' })
    reloads.succeeded(cfg, clock.wallNow())
    configInfo(cfg)
    logger.info({ routes: cfg.routes.length, upstreams: Object.keys(cfg.upstreams).length }, 'config reloaded')
    return { ok: true }
  }

  function warnOnStaticChanges (a: GatewayConfig, b: GatewayConfig): void {
    for (const key of ['server', 'admin', 'tracing'] as const) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
        logger.warn({ section: key }, `changes to "${key}" take effect after a restart`)
      }
    }
  }

  const gateway: Gateway = {
    listen: () => server.listen(),
    reload () {
      // One reload at a time: each builds on the snapshot the previous one produced.
      reloading = reloading.then(doReload, doReload)
      return reloading
    },
    close () {
      closing ??= (async () => {
        const drainMs = parseDuration(live.snapshot.config.server.drainTimeout)
        await server.drain(drainMs)
        // The drain's deadline cut every exchange, so the pools close at once. Should one still
        // hold a request no client owns, it is destroyed after another drainTimeout instead of
        // keeping the process alive.
        const targets = new Set(live.snapshot.targets)
        for (const old of retiring) for (const t of old.snapshot.targets) targets.add(t)
        await closeOrCut(resources.closeAll(), clock, drainMs, () => Promise.all([...targets].map(t => t.destroy())))
        unbindGauges()
        access.flush()
        await tracer?.shutdown().catch(() => {})
        logger.flush()
      })()
      return closing
    },
    watch () {
      const watcher = watchConfig(opts.configPath, () => { gateway.reload() }, {
        onError: (err) => {
          logger.error({ err, path: opts.configPath }, 'config file watch lost: file changes are not seen until it is re-armed (SIGHUP and POST /admin/reload still work)')
        },
        onRestore: () => { logger.warn({ path: opts.configPath }, 'config file watch re-armed') },
      })
      // SIGUSR1 too (seed 003 sends it). A listener of ours also keeps Node from opening its
      // inspector on SIGUSR1, which it would otherwise do on a production port.
      const onHup = (): void => { gateway.reload() }
      for (const s of RELOAD_SIGNALS) process.on(s, onHup)
      return () => {
        watcher.close()
        for (const s of RELOAD_SIGNALS) process.off(s, onHup)
      }
    },
    get config () { return live.snapshot.config },
    get snapshot () { return live.snapshot },
    metrics,
    logger,
    configPath: resolve(opts.configPath),
    reloads,
    get serving () { return server.listening && !server.draining },
    flushAccessLog () { access.flush() },
  }
  return gateway
}

/** Waits for `closing`; if it has not settled after `ms`, runs `cut` and waits for that instead. */
function closeOrCut (closing: Promise<void>, clock: Clock, ms: number, cut: () => Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => { cut().then(() => resolve(), () => resolve()) }, ms)
    closing.then(() => {
      timer.cancel()
      resolve()
    }, () => {
      timer.cancel()
      resolve()
    })
  })
}
