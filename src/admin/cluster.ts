// With server.workers > 1 the admin listener lives in the cluster primary, not in each worker:
// otherwise the shared admin port would hand each scrape or reload to one random worker, so
// /metrics would show a slice of the traffic and POST /admin/reload would reload one process.
// The primary asks every worker over IPC instead: prom-client's AggregatorRegistry sums their
// registries, a reload is fanned out and succeeds only when every worker took the new config, and
// the admin views are gathered from every worker and combined (cluster-views.ts).

import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry } from 'prom-client'
import { ConfigError } from '../errors.js'
import type { Gateway, ReloadResult } from '../gateway/gateway.js'
import { combineStatus, combineUpstreams } from './cluster-views.js'
import type { LocalAdminTarget } from './local.js'
import type { AdminTarget } from './routes.js'
import { summarize } from './stats/summary.js'
import type { StatsWindow } from './stats/window.js'
import type { AdminViews, ViewName } from './views.js'
import type { ConsumerUsage } from '../gateway/rate-limits/usage.js'

const ASK = 'sluice:admin-ask'
const ANSWER = 'sluice:admin-answer'
const ASK_TIMEOUT_MS = 30_000

type Question = { kind: 'reload' } | { kind: 'view', name: ViewName } | { kind: 'window', seconds: number }
  | { kind: 'usage', consumer: string }
interface Ask { type: typeof ASK, id: number, q: Question }
interface Answer { type: typeof ANSWER, id: number, value?: unknown, issues?: string[] }

/** In a worker: answer the primary's metric scrapes, reloads and view requests for this gateway. */
export function serveClusterAdmin (gateway: Gateway, local: LocalAdminTarget): () => void {
  AggregatorRegistry.setRegistries([gateway.metrics.registry])
  // eslint-disable-next-line no-new -- constructing one registers prom-client's worker-side IPC listener (idempotent)
  new AggregatorRegistry()
  const answer = async (q: Question): Promise<Omit<Answer, 'type' | 'id'>> => {
    if (q.kind === 'reload') {
      const r = await gateway.reload()
      return r.ok ? {} : { issues: [...r.error.issues] }
    }
    if (q.kind === 'usage') return { value: await local.usage(q.consumer) }
    return { value: q.kind === 'view' ? await local.view(q.name) : await local.window(q.seconds) }
  }
  const onMessage = (msg: Ask): void => {
    if (msg?.type !== ASK) return
    answer(msg.q).then(
      a => process.send?.({ type: ANSWER, id: msg.id, ...a } satisfies Answer),
      (err: unknown) => process.send?.({ type: ANSWER, id: msg.id, issues: [`worker ${process.pid}: ${(err as Error).message}`] } satisfies Answer)
    )
  }
  process.on('message', onMessage)
  return () => { process.off('message', onMessage) }
}

export interface ClusterAdminTarget extends AdminTarget {
  /** Marks the cluster as draining: /readyz answers 503 from now on. */
  stopping (): void
}

/** In the primary: an AdminTarget whose answers come from all live workers. */
export function createClusterAdminTarget (): ClusterAdminTarget {
  const aggregator = new AggregatorRegistry()
  let draining = false
  let nextId = 0
  /** Workers whose gateway listens: config loaded and serving (cluster's 'listening' event). */
  const listening = new Set<number>()
  cluster.on('listening', (w) => { listening.add(w.id) })
  cluster.on('exit', (w) => { listening.delete(w.id) })
  const live = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)

  const askOne = (w: Worker, id: number, q: Question): Promise<Answer> => new Promise((resolve) => {
    const timer = setTimeout(() => finish({ type: ANSWER, id, issues: [`worker ${w.process.pid} did not answer`] }), ASK_TIMEOUT_MS)
    const onMsg = (msg: Answer): void => { if (msg?.type === ANSWER && msg.id === id) finish(msg) }
    const onExit = (): void => finish({ type: ANSWER, id, issues: [`worker ${w.process.pid} exited before answering`] })
    function finish (r: Answer): void {
      clearTimeout(timer)
      w.off('message', onMsg)
      w.off('exit', onExit)
      resolve(r)
    }
    w.on('message', onMsg)
    w.once('exit', onExit)
    w.send({ type: ASK, id, q } satisfies Ask)
  })

  /** Every serving worker's answer (those that fail to answer are left out). */
  async function askAll<T> (q: Question): Promise<T[]> {
    const id = nextId++
    const workers = live().filter(w => listening.has(w.id))
    const answers = await Promise.all(workers.map(w => askOne(w, id, q)))
    return answers.filter(a => a.issues === undefined).map(a => a.value as T)
  }

  async function view<K extends ViewName> (name: K): Promise<AdminViews[K]> {
    const answers = await askAll<AdminViews[K]>({ kind: 'view', name })
    if (name === 'status') return combineStatus(answers as Array<AdminViews['status']>, live().length) as AdminViews[K]
    if (name === 'upstreams') return combineUpstreams(answers as Array<AdminViews['upstreams']>) as AdminViews[K]
    // Routes and config are the config's: every worker that took the last reload says the same.
    const first = answers[0]
    if (first === undefined) throw new Error('no worker answered')
    return first
  }

  return {
    get serving () { return !draining && listening.size > 0 },
    metrics: {
      registry: {
        contentType: aggregator.contentType,
        metrics: () => aggregator.clusterMetrics(),
      },
    },
    async reload (): Promise<ReloadResult> {
      const id = nextId++
      const results = await Promise.all(live().map(w => askOne(w, id, { kind: 'reload' })))
      const failed = results.find(r => r.issues !== undefined)
      return failed ? { ok: false, error: new ConfigError(failed.issues!) } : { ok: true }
    },
    view,
    async stats (seconds) { return summarize(await askAll<StatsWindow>({ kind: 'window', seconds })) },
    // Every worker reads the same counters when they are shared (a Redis store); with the memory
    // store each worker's are its own, and the first answer shows that worker's.
    async usage (consumer) { return (await askAll<ConsumerUsage | undefined>({ kind: 'usage', consumer }))[0] },
    stopping () { draining = true },
  }
}
