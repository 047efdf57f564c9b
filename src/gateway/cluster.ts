// server.workers > 1: the primary forks N workers that share the listening port (node:cluster),
// forwards SIGHUP and SIGUSR1 (reload) and SIGTERM/SIGINT (drain) to them, replaces a worker that
// dies unexpectedly, and relays active health verdicts between them (cluster-health.ts). The
// primary serves nothing itself.

import cluster from 'node:cluster'
import type { Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { GatewayConfig } from '../config/schema/index.js'
import { sharedAffinityKeyEnv } from './affinity-key.js'
import { RELOAD_SIGNALS } from './reload-signals.js'
import { relayHealthVerdicts } from './cluster-health.js'
import { CLUSTER_LIMITER_ENV, serveClusterLimiter } from './rate-limits/cluster-store.js'

/** server.workers resolved to a number ("auto" = one per CPU). */
export function workerCount (config: GatewayConfig): number {
  const w = config.server.workers
  return w === 'auto' ? availableParallelism() : w
}

export interface ClusterOptions {
  /** Delay before replacing a worker that died within `crashWindowMs` of starting [1000]. */
  restartDelayMs?: number
  crashWindowMs?: number
  log?: (msg: string) => void
  /** Called in the primary when SIGTERM/SIGINT starts the drain. */
  onStopping?: () => void
}

/**
 * In the primary: forks and supervises; resolves once every worker has exited after SIGTERM/SIGINT.
 * In a worker: runs `startWorker(configPath)` (which listens and wires its own signals).
 */
export async function runClustered (
  configPath: string,
  workers: number,
  startWorker: (configPath: string) => Promise<void>,
  options: ClusterOptions = {}
): Promise<void> {
  if (cluster.isWorker) {
    await startWorker(configPath)
    return
  }
  const log = options.log ?? ((msg: string) => process.stderr.write(msg + '\n'))
  const crashWindowMs = options.crashWindowMs ?? 1000
  const restartDelayMs = options.restartDelayMs ?? 1000
  const started = new Map<number, number>()
  let stopping = false

  // One affinity-cookie key for every worker, replacements included, so pins hold across them.
  // The workers' memory rate-limit counters live here (rate-limits/cluster-store.ts).
  const workerEnv = { ...sharedAffinityKeyEnv(), [CLUSTER_LIMITER_ENV]: '1' }
  const stopLimiter = serveClusterLimiter()
  const stopRelay = relayHealthVerdicts()
  const fork = (): void => {
    const w = cluster.fork(workerEnv)
    started.set(w.id, Date.now())
  }
  for (let i = 0; i < workers; i++) fork()

  // Not dead yet. node:cluster leaves a worker in cluster.workers at its 'exit' until its IPC channel
  // has also closed, and 'exit' may come first: counting it there would leave the last worker of a
  // drain forever "live", and the primary would never exit.
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead())
  const forward = (signal: NodeJS.Signals) => () => { for (const w of live()) w.process.kill(signal) }
  const onReload = RELOAD_SIGNALS.map(s => [s, forward(s)] as const)
  for (const [s, fn] of onReload) process.on(s, fn)

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      if (stopping) return
      stopping = true
      options.onStopping?.()
      forward('SIGTERM')()
      if (live().length === 0) resolve()
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    cluster.on('exit', (worker, code, signal) => {
      const age = Date.now() - (started.get(worker.id) ?? 0)
      started.delete(worker.id)
      if (stopping) {
        if (live().length === 0) resolve()
        return
      }
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement`)
      // A worker that dies right after starting (bad port, broken config) would otherwise spin.
      if (age < crashWindowMs) setTimeout(fork, restartDelayMs)
      else fork()
    })
  })
  for (const [s, fn] of onReload) process.off(s, fn)
  stopRelay()
  stopLimiter()
}
