// The dispatcher's admission gate, as a Policy: a call starts when it is at the head of the
// priority queue, a concurrency slot is free and the supplier's bucket has a token. Tokens are
// taken only for the call about to start, so a queued call that is aborted or times out never
// holds one. While the bucket is empty exactly one timer is armed, for the moment the store says
// the next token is due; slot releases and pauses re-run the same pump. Nothing polls.

import type { Clock, TimerHandle } from '../core/clock.js'
import type { BucketRule, Decision, DecisionOut, LimiterStore } from '../core/limiter/limiter.js'
import type { CallMeta, Policy, PolicyContext } from '../core/policy.js'
import { PriorityQueue } from '../core/queue/priority-queue.js'
import { AbortedError, QueueFullError, QueueTimeoutError, SluiceError, StoreUnavailableError } from '../errors.js'
import { estimateStartMs } from './estimate.js'
import type { LastTake } from './estimate.js'
import { Deferred, ListeningWaiter, Waiter } from './waiter.js'
import type { Admission, Admittee } from './waiter.js'

export interface SchedulerOptions {
  name: string
  /** Bucket key in the store; the same key in several processes shares one quota. */
  key: string
  rule: BucketRule | undefined
  maxConcurrent: number
  maxQueue: number
  agingAfterMs: number
}

function noop (): void {}

export interface Scheduler extends Policy<Admission> {
  execute<T, M extends Admission> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T>
  /**
   * `execute` for an inner step that frees its own slot: `go` is handed `release`, to call once
   * when what it started has settled (never from inside `go` itself), so the slot costs no promise
   * reaction of its own. The supplier's chain ends in this (supplier.ts); it is not a core contract.
   */
  gate<T, M extends Admission> (
    go: (pc: PolicyContext<M>, release: () => void) => Promise<T>, pc: PolicyContext<M>
  ): Promise<T>
  readonly queued: number
  readonly inFlight: number
  /** Empties the bucket for `ms` (supplier feedback) and re-plans the wake-up timer. */
  pause (ms: number): Promise<void>
  /** Rejects every queued call with `err`; calls already running are not touched. */
  rejectQueued (err: Error): void
  /** rejectQueued, and from now on every call that would queue or start is refused with `err`. */
  stop (err: Error): void
  /** Resolves once nothing is queued or running. */
  idle (): Promise<void>
  /**
   * Waits for a slot and a token for the next pass through `execute` of the call carrying `meta`,
   * before the outer policies run, so a call waiting its turn holds no policy frames (retry,
   * breaker): it waits as the one Waiter returned, its queue node. Undefined when they were had at
   * once; otherwise `to` hears `admitted()` or `refused(err)` later. The caller watches its own
   * abort and deadline (no listener, no timer here) and calls `withdraw` when it gives up first.
   * Throws QueueFullError or QueueTimeoutError (deadline out of reach) as `execute` would reject.
   * The pass through `execute` then uses what is held (`meta.reserved`).
   */
  reserve (meta: Admission, to: Admittee): Waiter | undefined
  /** The caller of `reserve` gave up (`reason`: why); a waiter still queued hears `refused`. */
  withdraw (w: Waiter, reason: unknown): void
  /** Gives back a reservation that no `execute` pass used (an outer policy refused the call). */
  unreserve (meta: Admission): void
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as Promise<T>)?.then === 'function'

/** What a call that left the queue on an abort with `reason` is refused with. */
function abortError (reason: unknown): Error {
  return SluiceError.is(reason) ? reason : new AbortedError(undefined, { cause: reason })
}

export interface SchedulerDeps {
  clock: Clock
  store: LimiterStore
}

export function createScheduler (opts: SchedulerOptions, deps: SchedulerDeps): Scheduler {
  const { clock, store } = deps
  const { rule, key, maxConcurrent } = opts
  const queue = new PriorityQueue<Waiter>({
    maxSize: opts.maxQueue, agingAfterMs: opts.agingAfterMs, name: opts.name,
  })
  const perLevel = [0, 0, 0, 0, 0, 0]
  let inFlight = 0
  let timer: TimerHandle | undefined
  let taking = false
  // The last answer, also what a synchronous store writes its decision into (no object per take).
  const last: LastTake & DecisionOut = { at: 0, ok: true, remaining: 0, retryAfterMs: 0, resetMs: 0 }
  let taken = false
  const trySync = store.tryTakeSync === undefined ? undefined : store.tryTakeSync.bind(store)
  let idleWaiters: (() => void)[] = []
  /** Set by stop(): why every call that would queue or start now is refused. */
  let stopped: Error | undefined

  function remember (d: Decision, now: number): void {
    taken = true
    last.at = now
    last.ok = d.ok
    last.remaining = d.ok ? d.remaining : 0
    last.retryAfterMs = d.ok ? 0 : d.retryAfterMs
  }

  // Settling a call frees its slot; hoisted so a call costs no closure for it.
  const releaseValue = <T>(value: T): T => { release(); return value }
  const releaseError = (err: unknown): never => { release(); throw err }

  function run<T, M extends Admission> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T> {
    let p: Promise<T>
    try {
      p = fn(pc)
    } catch (err) {
      // Released a tick later, like a rejection, so pump is never re-entered from inside itself.
      p = Promise.reject(err)
    }
    return p.then(releaseValue, releaseError)
  }

  /** Runs a pass that holds a slot; `go` frees it (a throw frees it a tick later, like a rejection). */
  function start<T, M extends Admission> (
    go: (pc: PolicyContext<M>, release: () => void) => Promise<T>, pc: PolicyContext<M>
  ): Promise<T> {
    try {
      return go(pc, release)
    } catch (err) {
      return Promise.reject(err).catch(releaseError)
    }
  }

  function startWaiter (w: Waiter, now: number): void {
    perLevel[w.priority]!--
    inFlight++
    w.cleanup()
    const meta = w.meta
    meta.queuedMs = (meta.queuedMs ?? 0) + now - w.enqueuedAt
    meta.reserved = true
    w.admit()
  }

  function fail (w: Waiter, err: unknown): void {
    perLevel[w.priority]!--
    w.cleanup()
    w.to.refused(err)
  }

  function fire (): void {
    timer = undefined
    pump()
  }

  function arm (ms: number): void {
    timer = clock.setTimeout(fire, Math.max(1, Math.ceil(ms)))
  }

  function refund (): void {
    if (rule !== undefined) Promise.resolve(store.refund(key, 1, rule)).catch(noop)
  }

  /** A token was had (sync or async): it goes to the head of the queue, or back to the store. */
  function granted (now: number): void {
    // Starts are blocked while a take is pending, so a slot is still free here; only the caller
    // the token was taken for may have left meanwhile, and then the token goes back.
    const w = queue.pop()
    if (w !== undefined) startWaiter(w, now)
    else refund()
  }

  function onTaken (d: Decision): void {
    taking = false
    const now = clock.now()
    remember(d, now)
    if (d.ok) granted(now)
    else arm(d.retryAfterMs)
    pump()
  }

  function onTakeFailed (err: unknown): void {
    taking = false
    const w = queue.pop()
    if (w !== undefined) fail(w, new StoreUnavailableError(undefined, { cause: err }))
    pump()
  }

  /**
   * Takes a token when nothing stands in the way: true when it was had at once (sync store). A
   * pending take (Redis) or a refusal leaves `taking` or the timer set, for the caller that is
   * about to queue; what the store answers then goes to the head of the queue, as from pump.
   */
  function takeNow (now: number): boolean {
    let ok: boolean
    if (trySync !== undefined) {
      taken = true
      last.at = now
      ok = trySync(key, 1, rule!, now, last)
    } else {
      const d = store.take(key, 1, rule!)
      if (isPromise(d)) {
        taking = true
        d.then(onTaken, onTakeFailed)
        return false
      }
      remember(d, now)
      ok = d.ok
    }
    if (!ok) arm(last.retryAfterMs)
    return ok
  }

  function pump (): void {
    // One clock reading serves every start of this pass: no time passes that matters in between.
    let now = -1
    for (;;) {
      if (taking || timer !== undefined || queue.size === 0 || inFlight >= maxConcurrent) break
      if (now < 0) now = clock.now()
      if (rule === undefined || takeNow(now)) granted(now)
      else if (taking) return
    }
    if (queue.size === 0 && timer !== undefined) {
      timer.cancel()
      timer = undefined
    }
    if (queue.size === 0 && inFlight === 0 && idleWaiters.length > 0) {
      const ws = idleWaiters
      idleWaiters = []
      for (const r of ws) r()
    }
  }

  function leave (w: Waiter, why: 'abort' | 'deadline', reason?: unknown): void {
    if (!queue.remove(w)) return
    const deadline = w.meta.deadline
    // A whole-call timeout that fires while the call is still queued is a queue timeout.
    fail(w, why === 'deadline' || (deadline !== undefined && clock.now() >= deadline)
      ? new QueueTimeoutError(opts.name, why === 'abort' ? { cause: reason } : undefined)
      : abortError(reason))
    pump()
  }

  function priorityOf (meta: CallMeta): number {
    return Math.min(5, Math.max(1, Math.round(meta.priority ?? 3)))
  }

  /** Checks that a call may queue, then takes a slot and a token if nothing stands in the way. */
  function admitNow (meta: CallMeta, priority: number, now: number): boolean {
    if (stopped !== undefined) throw stopped
    const deadline = meta.deadline
    if (queue.size >= opts.maxQueue) throw new QueueFullError(opts.name, opts.maxQueue)
    if (deadline !== undefined) {
      let ahead = 0
      for (let p = 1; p <= priority; p++) ahead += perLevel[p]!
      const wait = estimateStartMs(ahead, rule, taken ? last : undefined, now)
      if (now + wait > deadline) throw new QueueTimeoutError(opts.name)
    }
    // The fast path: nothing queued, a slot free, no take pending, the bucket not known empty.
    if (queue.size > 0 || taking || timer !== undefined || inFlight >= maxConcurrent) return false
    if (rule !== undefined && !takeNow(now)) return false
    inFlight++
    return true
  }

  function enqueue<W extends Waiter> (w: W, priority: number, now: number): W {
    queue.push(w, priority, now, w)
    perLevel[priority]!++
    pump()
    return w
  }

  function reserve (meta: Admission, to: Admittee): Waiter | undefined {
    const priority = priorityOf(meta)
    const now = clock.now()
    if (admitNow(meta, priority, now)) {
      meta.reserved = true
      return undefined
    }
    return enqueue(new Waiter(to, meta), priority, now)
  }

  function execute<T, M extends Admission> (
    fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>
  ): Promise<T> {
    return gate((p: PolicyContext<M>) => run(fn, p), pc)
  }

  function gate<T, M extends Admission> (
    go: (pc: PolicyContext<M>, release: () => void) => Promise<T>, pc: PolicyContext<M>
  ): Promise<T> {
    const meta = pc.meta
    if (meta.reserved === true) {
      meta.reserved = false
      return start(go, pc)
    }
    const signal = pc.signal
    if (signal.aborted) return Promise.reject(abortError(signal.reason))
    const priority = priorityOf(meta)
    const now = clock.now()
    try {
      if (!admitNow(meta, priority, now)) {
        // A pass that must wait listens for its own abort and keeps its own deadline.
        const d = new Deferred(() => gate(go, pc))
        const w = enqueue(new ListeningWaiter(d, meta, leave), priority, now)
        if (w.list !== undefined) {
          w.listen(signal)
          const deadline = meta.deadline
          if (deadline !== undefined) w.deadlineTimer = clock.setTimeout(() => leave(w, 'deadline'), deadline - now)
        }
        return d.promise
      }
    } catch (err) {
      return Promise.reject(err)
    }
    return start(go, pc)
  }

  function release (): void {
    inFlight--
    pump()
  }

  return {
    execute,
    gate,
    reserve,
    withdraw (w, reason) { leave(w, 'abort', reason) },
    unreserve (meta) {
      if (meta.reserved !== true) return
      meta.reserved = false
      // The token was taken for a call that never ran: it goes back, like an aborted waiter's.
      refund()
      release()
    },
    get queued () { return queue.size },
    get inFlight () { return inFlight },
    async pause (ms) {
      if (rule === undefined) return
      await store.pause(key, ms, rule)
      taken = true
      last.at = clock.now()
      last.ok = false
      last.remaining = 0
      last.retryAfterMs = ms
      timer?.cancel()
      timer = undefined
      pump()
    },
    rejectQueued (err) {
      for (let w = queue.pop(); w !== undefined; w = queue.pop()) fail(w, err)
      pump()
    },
    stop (err) {
      stopped = err
      this.rejectQueued(err)
    },
    idle () {
      if (queue.size === 0 && inFlight === 0) return Promise.resolve()
      return new Promise(resolve => idleWaiters.push(resolve))
    },
  }
}
