// The dispatcher's admission gate, as a Policy: a call starts when it is at the head of the
// priority queue, a concurrency slot is free and the supplier's bucket has a token. Tokens are
// taken only for the call about to start, so a queued call that is aborted or times out never
// holds one. While the bucket is empty exactly one timer is armed, for the moment the store says
// the next token is due; slot releases and pauses re-run the same pump. Nothing polls.

import type { Clock, TimerHandle } from '../core/clock.js'
import type { BucketRule, Decision, LimiterStore } from '../core/limiter/limiter.js'
import type { Policy, PolicyContext } from '../core/policy.js'
import { PriorityQueue } from '../core/queue/priority-queue.js'
import { AbortedError, QueueFullError, QueueTimeoutError, SluiceError, StoreUnavailableError } from '../errors.js'
import { estimateStartMs } from './estimate.js'
import type { LastTake } from './estimate.js'

export interface SchedulerOptions {
  name: string
  /** Bucket key in the store; the same key in several processes shares one quota. */
  key: string
  rule: BucketRule | undefined
  maxConcurrent: number
  maxQueue: number
  agingAfterMs: number
}

interface Waiter {
  priority: number
  enqueuedAt: number
  resolve: () => void
  reject: (err: unknown) => void
  cleanup: () => void
}

export interface Scheduler extends Policy {
  readonly queued: number
  readonly inFlight: number
  /** Empties the bucket for `ms` (supplier feedback) and re-plans the wake-up timer. */
  pause (ms: number): Promise<void>
  /** Rejects every queued call with `err`; calls already running are not touched. */
  rejectQueued (err: Error): void
  /** Resolves once nothing is queued or running. */
  idle (): Promise<void>
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as Promise<T>)?.then === 'function'

function abortError (signal: AbortSignal): Error {
  return SluiceError.is(signal.reason) ? signal.reason : new AbortedError(undefined, { cause: signal.reason })
}

export interface SchedulerDeps {
  clock: Clock
  store: LimiterStore
  /**
   * The owner's shutdown signal, when it rejects queued calls itself (rejectQueued) on close. Calls
   * carrying exactly this signal get no abort listener: EventTarget removal is linear in the
   * listener count, so thousands of queued calls each listening on one signal cost O(n²).
   */
  sharedSignal?: AbortSignal
}

export function createScheduler (opts: SchedulerOptions, deps: SchedulerDeps): Scheduler {
  const { clock, store } = deps
  const { rule, key, maxConcurrent } = opts
  const queue = new PriorityQueue<Waiter>({ maxSize: opts.maxQueue, agingAfterMs: opts.agingAfterMs, name: opts.name })
  const perLevel = [0, 0, 0, 0, 0, 0]
  let inFlight = 0
  let timer: TimerHandle | undefined
  let taking = false
  let last: LastTake | undefined
  let idleWaiters: (() => void)[] = []

  function remember (d: Decision): void {
    last = { at: clock.now(), ok: d.ok, remaining: d.ok ? d.remaining : 0, retryAfterMs: d.ok ? 0 : d.retryAfterMs }
  }

  function start (w: Waiter): void {
    perLevel[w.priority]!--
    inFlight++
    w.cleanup()
    w.resolve()
  }

  function arm (ms: number): void {
    timer = clock.setTimeout(() => {
      timer = undefined
      pump()
    }, Math.max(1, Math.ceil(ms)))
  }

  function onDecision (d: Decision): void {
    remember(d)
    if (!d.ok) return arm(d.retryAfterMs)
    // Starts are blocked while a take is pending, so a slot is still free here; only the caller
    // the token was taken for may have left meanwhile, and then the token goes back.
    const w = queue.pop(clock.now())
    if (w !== undefined) start(w)
    else if (rule !== undefined) Promise.resolve(store.refund(key, 1, rule)).catch(() => {})
  }

  function pump (): void {
    for (;;) {
      if (taking || timer !== undefined || queue.size === 0 || inFlight >= maxConcurrent) break
      if (rule === undefined) {
        start(queue.pop(clock.now())!)
        continue
      }
      const d = store.take(key, 1, rule)
      if (isPromise(d)) {
        taking = true
        d.then(dec => { taking = false; onDecision(dec) }, err => {
          taking = false
          const w = queue.pop(clock.now())
          if (w !== undefined) {
            perLevel[w.priority]!--
            w.cleanup()
            w.reject(new StoreUnavailableError(undefined, { cause: err }))
          }
        }).finally(pump)
        return
      }
      onDecision(d)
    }
    if (queue.size === 0 && timer !== undefined) {
      timer.cancel()
      timer = undefined
    }
    if (queue.size === 0 && inFlight === 0) {
      const ws = idleWaiters
      idleWaiters = []
      for (const r of ws) r()
    }
  }

  function enqueue (pc: PolicyContext): Promise<void> {
    const now = clock.now()
    const priority = Math.min(5, Math.max(1, Math.round(pc.meta.priority ?? 3)))
    const deadline = pc.meta.deadline
    if (queue.size >= opts.maxQueue) throw new QueueFullError(opts.name, opts.maxQueue)
    if (deadline !== undefined) {
      const ahead = perLevel.slice(1, priority + 1).reduce((a, b) => a + b, 0)
      if (now + estimateStartMs(ahead, rule, last, now) > deadline) throw new QueueTimeoutError(opts.name)
    }
    const listen = pc.signal !== deps.sharedSignal
    return new Promise<void>((resolve, reject) => {
      let deadlineTimer: TimerHandle | undefined
      const leave = (err: Error): void => {
        if (!queue.remove(entry)) return
        perLevel[priority]!--
        w.cleanup()
        reject(err)
        pump()
      }
      // A whole-call timeout that fires while the call is still queued is a queue timeout.
      const onAbort = (): void => leave(deadline !== undefined && clock.now() >= deadline
        ? new QueueTimeoutError(opts.name, { cause: pc.signal.reason })
        : abortError(pc.signal))
      const w: Waiter = {
        priority,
        enqueuedAt: now,
        resolve,
        reject,
        cleanup () {
          deadlineTimer?.cancel()
          if (listen) pc.signal.removeEventListener('abort', onAbort)
        },
      }
      const entry = queue.push(w, priority, now)
      perLevel[priority]!++
      if (listen) pc.signal.addEventListener('abort', onAbort, { once: true })
      if (deadline !== undefined) {
        deadlineTimer = clock.setTimeout(() => leave(new QueueTimeoutError(opts.name)), deadline - now)
      }
      pump()
    })
  }

  function release (): void {
    inFlight--
    pump()
  }

  return {
    async execute<T> (fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext): Promise<T> {
      if (pc.signal.aborted) throw abortError(pc.signal)
      const t0 = clock.now()
      await enqueue(pc)
      pc.meta.queuedMs = (pc.meta.queuedMs as number | undefined ?? 0) + clock.now() - t0
      try {
        return await fn(pc)
      } finally {
        release()
      }
    },
    get queued () { return queue.size },
    get inFlight () { return inFlight },
    async pause (ms) {
      if (rule === undefined) return
      await store.pause(key, ms, rule)
      last = { at: clock.now(), ok: false, remaining: 0, retryAfterMs: ms }
      timer?.cancel()
      timer = undefined
      pump()
    },
    rejectQueued (err) {
      for (let w = queue.pop(clock.now()); w !== undefined; w = queue.pop(clock.now())) {
        perLevel[w.priority]!--
        w.cleanup()
        w.reject(err)
      }
      pump()
    },
    idle () {
      if (queue.size === 0 && inFlight === 0) return Promise.resolve()
      return new Promise(resolve => idleWaiters.push(resolve))
    },
  }
}
