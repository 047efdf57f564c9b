// With server.workers > 1 the admin listener lives in the cluster primary, not in each worker:
// otherwise the shared admin port would hand each scrape or reload to one random worker, so
// /metrics would show a slice of the traffic and POST /admin/reload would reload one process.
// The primary asks every worker over IPC instead: prom-client's AggregatorRegistry sums their
// registries, and a reload is fanned out and succeeds only when every worker took the new config.

import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry } from 'prom-client'
import { ConfigError } from '../errors.js'
import type { Gateway, ReloadResult } from '../gateway/gateway.js'
import type { AdminTarget } from './routes.js'

const RELOAD_REQ = 'sluice:reload'
const RELOAD_RES = 'sluice:reload-result'
const RELOAD_TIMEOUT_MS = 30_000

interface ReloadRequest { type: typeof RELOAD_REQ, id: number }
interface ReloadResponse { type: typeof RELOAD_RES, id: number, issues?: string[] }

/** In a worker: answer the primary's metric scrapes and reload requests for this gateway. */
export function serveClusterAdmin (gateway: Gateway): () => void {
  AggregatorRegistry.setRegistries([gateway.metrics.registry])
  // eslint-disable-next-line no-new -- constructing one registers prom-client's worker-side IPC listener (idempotent)
  new AggregatorRegistry()
  const onMessage = (msg: ReloadRequest): void => {
    if (msg?.type !== RELOAD_REQ) return
    gateway.reload().then((r) => {
      const res: ReloadResponse = { type: RELOAD_RES, id: msg.id, ...(r.ok ? {} : { issues: [...r.error.issues] }) }
      process.send?.(res)
    })
  }
  process.on('message', onMessage)
  return () => { process.off('message', onMessage) }
}

export interface ClusterAdminTarget extends AdminTarget {
  /** Marks the cluster as draining: /healthz answers 503 from now on. */
  stopping (): void
}

/** In the primary: an AdminTarget whose answers come from all live workers. */
export function createClusterAdminTarget (): ClusterAdminTarget {
  const aggregator = new AggregatorRegistry()
  let draining = false
  let nextId = 0
  const live = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)

  const reloadOne = (w: Worker, id: number): Promise<ReloadResponse> => new Promise((resolve) => {
    const timer = setTimeout(() => finish({ type: RELOAD_RES, id, issues: [`worker ${w.process.pid} did not answer the reload`] }), RELOAD_TIMEOUT_MS)
    const onMsg = (msg: ReloadResponse): void => { if (msg?.type === RELOAD_RES && msg.id === id) finish(msg) }
    const onExit = (): void => finish({ type: RELOAD_RES, id, issues: [`worker ${w.process.pid} exited during the reload`] })
    function finish (r: ReloadResponse): void {
      clearTimeout(timer)
      w.off('message', onMsg)
      w.off('exit', onExit)
      resolve(r)
    }
    w.on('message', onMsg)
    w.once('exit', onExit)
    w.send({ type: RELOAD_REQ, id } satisfies ReloadRequest)
  })

  return {
    get serving () { return !draining && live().length > 0 },
    metrics: {
      registry: {
        contentType: aggregator.contentType,
        metrics: () => aggregator.clusterMetrics(),
      },
    },
    async reload (): Promise<ReloadResult> {
      const id = nextId++
      const results = await Promise.all(live().map(w => reloadOne(w, id)))
      const failed = results.find(r => r.issues !== undefined)
      return failed ? { ok: false, error: new ConfigError(failed.issues!) } : { ok: true }
    },
    stopping () { draining = true },
  }
}
