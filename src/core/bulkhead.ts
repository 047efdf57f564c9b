import type { CallMeta, Policy, PolicyContext } from './policy.js'
import { Emitter } from './events.js'
import { AbortedError, InvalidOptionsError, UpstreamSaturatedError } from '../errors.js'

/** Options of `createBulkhead`. */
export interface BulkheadOptions {
  /** Names the bulkhead in its errors and events. */
  name: string
  /** Calls running at once. */
  maxConcurrent: number
  /** Calls waiting (FIFO) for a slot; beyond this they are rejected at once [0]. */
  maxQueue?: number
}

/** A concurrency cap with a bounded FIFO wait (a `Policy`); over both it rejects with `SLC_UPSTREAM_SATURATED`. */
export interface Bulkhead extends Policy {
  /** Runs `fn` once a slot is free; waits in line up to `maxQueue`, or rejects at once. */
  execute<T, M extends CallMeta> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T>
  /** Calls running now. */
  readonly inFlight: number
  /** Calls waiting for a slot now. */
  readonly queued: number
  /** Emitted for each call refused because the queue was full. */
  readonly onReject: Emitter<{ name: string }>
}

interface Waiter { grant (): void }

/**
 * Envoy's max_requests / max_pending_requests for one upstream: a concurrency cap with a bounded
 * wait. A freed slot is handed straight to the oldest waiter, so a newcomer can never jump the queue.
 */
export function createBulkhead (opts: BulkheadOptions, _deps: object = {}): Bulkhead {
  const { name, maxConcurrent, maxQueue = 0 } = opts
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new InvalidOptionsError(`bulkhead ${name}: maxConcurrent must be an integer >= 1`)
  }
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new InvalidOptionsError(`bulkhead ${name}: maxQueue must be an integer >= 0`)
  const onReject = new Emitter<{ name: string }>()
  // A Set keeps insertion order and deletes in O(1): FIFO with cheap removal of aborted waiters.
  const waiters = new Set<Waiter>()
  let inFlight = 0

  function wait (signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        waiters.delete(waiter)
        reject(new AbortedError(undefined, { cause: signal.reason }))
      }
      const waiter: Waiter = {
        grant () {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      waiters.add(waiter)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  function release (): void {
    const next = waiters.values().next()
    if (next.done === true) {
      inFlight--
      return
    }
    waiters.delete(next.value)
    next.value.grant()
  }

  async function execute<T, M extends CallMeta> (
    fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>
  ): Promise<T> {
    if (pc.signal.aborted) throw new AbortedError(undefined, { cause: pc.signal.reason })
    if (inFlight < maxConcurrent) {
      inFlight++
    } else if (waiters.size < maxQueue) {
      await wait(pc.signal)
    } else {
      onReject.emit({ name })
      throw new UpstreamSaturatedError(name)
    }
    try {
      return await fn(pc)
    } finally {
      release()
    }
  }

  return {
    execute,
    get inFlight () { return inFlight },
    get queued () { return waiters.size },
    onReject,
  }
}
