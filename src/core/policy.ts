// The one resilience contract (cockatiel's execute + wrap). Retry, breaker, bulkhead, scheduler
// and timeout all implement it, so the gateway and the dispatcher compose the same code.

export interface PolicyContext {
  /** Aborts when the caller gives up or an outer policy (timeout) cuts this attempt. */
  readonly signal: AbortSignal
  /** 1 for the first attempt, 2 for the first retry, … (set by the retry policy). */
  readonly attempt: number
  /** Free-form per-call data that policies read (priority, method, idempotency, deadline). */
  readonly meta: CallMeta
}

export interface CallMeta {
  method?: string
  /** True when the request may be replayed even though its method is not idempotent. */
  idempotent?: boolean
  /** 1 (highest) … 5 (lowest). */
  priority?: number
  /** Absolute Clock time after which the call must not start. */
  deadline?: number
  [key: string]: unknown
}

export interface Policy {
  execute<T> (fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext): Promise<T>
}

const passthrough: Policy = { execute: (fn, pc) => fn(pc) }

/** wrap(a, b, c).execute(fn) ≡ a.execute(() => b.execute(() => c.execute(fn))): outermost first. */
export function wrap (...policies: Policy[]): Policy {
  if (policies.length === 0) return passthrough
  if (policies.length === 1) return policies[0]!
  return {
    execute<T> (fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext): Promise<T> {
      const run = (i: number, ctx: PolicyContext): Promise<T> =>
        i === policies.length ? fn(ctx) : policies[i]!.execute(c => run(i + 1, c), ctx)
      return run(0, pc)
    },
  }
}

/** A context for a call that has no caller signal. */
export function rootContext (signal: AbortSignal = new AbortController().signal, meta: CallMeta = {}): PolicyContext {
  return { signal, attempt: 1, meta }
}
