// The memory store under `server.workers` > 1. node:cluster workers are separate processes, so a
// counter in each worker would admit a limit's `requests` once per worker. Instead the primary
// (which serves no traffic) holds the one memory store, and every worker asks it over the cluster
// IPC channel. The primary handles one message at a time and decides each request of it with one
// synchronous takeAll, so the instance's limits are exact: N admitted, not N × workers, and the
// primary's clock is the one time source for every worker.
//
// Why not leases (each worker pre-taking a share of the tokens): a token leased to an idle worker
// cannot admit a request that lands on a busy one, so leasing admits fewer than N unless tokens
// travel back and forth, which is this round trip again with more states to get wrong. The round
// trip is a local pipe; a worker gathers the takes of one turn of its event loop into one message,
// so a busy worker sends one message per turn, not one per request.
//
//   worker  takeAll ─┐ one turn                         primary
//           takeAll ─┼──▶ sluice:rate-limit (batch) ──▶  store.takeAll(each request), in order
//           takeAll ─┘ ◀── sluice:rate-limit-result ◀──┘
//
// A primary that does not answer within ANSWER_TIMEOUT_MS (gone, or never started the service:
// createGateway in workers the caller forked itself) makes the worker refuse the batch with
// 503 SLC_STORE_UNAVAILABLE, as a Redis store with `deny` would, logged and counted as
// `sluice_store_errors_total{store="cluster"}`: letting requests through would break the limit.

import cluster from 'node:cluster'
import type { Worker } from 'node:cluster'
import type { Clock, TimerHandle } from '../../core/clock.js'
import { systemClock } from '../../core/clock.js'
import type { Decision, TakeRequest, Usage } from '../../core/limiter/limiter.js'
import { createMemoryStore } from '../../core/limiter/memory-store.js'
import type { MemoryStore } from '../../core/limiter/memory-store.js'
import { StoreHealth } from '../../core/limiter/store-health.js'
import type { StoreLogger } from '../../core/limiter/store-health.js'
import type { Metrics } from '../../observability/metrics.js'

/** Set in the workers' environment by a primary that serves their limiters. */
export const CLUSTER_LIMITER_ENV = 'SLUICE_CLUSTER_LIMITER'

const ANSWER_TIMEOUT_MS = 1000

const ASK = 'sluice:rate-limit'
const ANSWER = 'sluice:rate-limit-result'

/** One store call of a worker: a take, a refund (with the decisions it charged) or a peek. */
type Op =
  | { op: 'take', requests: TakeRequest[] }
  | { op: 'refund', requests: TakeRequest[], decisions: Decision[] }
  | { op: 'peek', requests: TakeRequest[] }

interface Ask { type: typeof ASK, id: number, maxKeys: number, ops: Op[] }
/** JSON has no Infinity: a retryAfterMs that can never come arrives as null. */
interface Answer { type: typeof ANSWER, id: number, results: unknown[] }

function run (store: MemoryStore, o: Op): unknown {
  if (o.op === 'take') return store.takeAll(o.requests)
  if (o.op === 'refund') return store.refundAll(o.requests, o.decisions)
  return store.peekAll(o.requests)
}

/**
 * In the primary: answers the workers' batches from memory stores held here, one per `maxKeys`
 * (a reload that changes it starts a new store, as it would in one process). Returns the stop.
 */
export function serveClusterLimiter (clock: Clock = systemClock): () => void {
  const stores = new Map<number, MemoryStore>()
  const onMessage = (worker: Worker, msg: unknown): void => {
    if ((msg as Ask | undefined)?.type !== ASK) return
    const { id, maxKeys, ops } = msg as Ask
    let store = stores.get(maxKeys)
    if (store === undefined) stores.set(maxKeys, store = createMemoryStore({ clock, maxKeys }))
    const results = ops.map(o => run(store, o))
    if (worker.isConnected()) worker.send({ type: ANSWER, id, results } satisfies Answer)
  }
  cluster.on('message', onMessage)
  return () => { cluster.off('message', onMessage) }
}

export interface ClusterStoreDeps {
  readonly clock: Clock
  readonly logger: StoreLogger
  readonly metrics: Metrics
}

interface Waiting { readonly op: Op, resolve (result: unknown): void }
interface Pending { readonly waiting: Waiting[], readonly timer: TimerHandle }

const refusal: Decision = { ok: false, retryAfterMs: 1000, remaining: 0, resetMs: 1000, degraded: true }

/** The store.ts BatchStore contract (declared here: importing it would be a cycle). */
export interface ClusterStore {
  takeAll (requests: readonly TakeRequest[]): Promise<Decision[]>
  refundAll (requests: readonly TakeRequest[], decisions: readonly Decision[]): Promise<void>
  peekAll (requests: readonly TakeRequest[]): Promise<Usage[]>
  close (): void
}

/** In a worker whose primary runs serveClusterLimiter: the memory store, held by the primary. */
export function createClusterStore (maxKeys: number, deps: ClusterStoreDeps): ClusterStore {
  const send = process.send?.bind(process)
  if (send === undefined) throw new Error('the cluster limiter store needs an IPC channel to the primary')
  const health = new StoreHealth({ clock: deps.clock, logger: deps.logger })
  const errors = deps.metrics.storeErrors.labels('cluster')
  const pending = new Map<number, Pending>()
  let seq = 0
  let gathering: Waiting[] | undefined

  function failed (w: Waiting): unknown {
    if (w.op.op === 'take') return w.op.requests.map(() => refusal)
    if (w.op.op === 'refund') return undefined
    return w.op.requests.map(() => ({ remaining: 0, resetMs: 0 }))
  }

  function settle (id: number, results: unknown[] | undefined, error?: unknown): void {
    const p = pending.get(id)
    if (p === undefined) return
    pending.delete(id)
    p.timer.cancel()
    if (results === undefined) {
      errors.inc()
      health.failed({ type: 'storeError', store: 'cluster', op: 'take', error, fallback: 'deny' })
      for (const w of p.waiting) w.resolve(failed(w))
      return
    }
    health.succeeded('cluster')
    p.waiting.forEach((w, i) => {
      const r = results[i]
      if (w.op.op !== 'take') return w.resolve(r)
      w.resolve((r as Decision[]).map(d => d.ok || d.retryAfterMs !== null ? d : { ...d, retryAfterMs: Infinity }))
    })
  }

  function flush (): void {
    const waiting = gathering!
    gathering = undefined
    const id = ++seq
    const timer = deps.clock.setTimeout(() => settle(id, undefined,
      new Error(`the primary did not answer within ${ANSWER_TIMEOUT_MS}ms`)), ANSWER_TIMEOUT_MS)
    pending.set(id, { waiting, timer })
    const ask: Ask = { type: ASK, id, maxKeys, ops: waiting.map(w => w.op) }
    send!(ask, undefined, undefined, (err: Error | null) => { if (err) settle(id, undefined, err) })
  }

  function ask<T> (op: Op): Promise<T> {
    return new Promise(resolve => {
      if (gathering === undefined) {
        gathering = []
        setImmediate(flush)
      }
      gathering.push({ op, resolve: resolve as (r: unknown) => void })
    })
  }

  const onMessage = (msg: unknown): void => {
    if ((msg as Answer | undefined)?.type === ANSWER) settle((msg as Answer).id, (msg as Answer).results)
  }
  process.on('message', onMessage)

  return {
    takeAll: requests => ask<Decision[]>({ op: 'take', requests: [...requests] }),
    refundAll: (requests, decisions) => ask<void>({ op: 'refund', requests: [...requests], decisions: [...decisions] }),
    peekAll: requests => ask<Usage[]>({ op: 'peek', requests: [...requests] }),
    close () {
      process.off('message', onMessage)
    },
  }
}
