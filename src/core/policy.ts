// The one resilience contract (cockatiel's execute + wrap). Retry, breaker, bulkhead, scheduler
// and timeout all implement it, so the gateway and the dispatcher compose the same code.

/**
 * A policy that hands its inner fn a different context builds a new object from these three fields
 * rather than spreading one it got: `signal` may be a getter (the timeout policy creates the
 * attempt's AbortController only when it is read), and a spread would drop it.
 */
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
  /**
   * False when the request cannot be sent again whatever its method (a streamed body already
   * partly sent); read by the retry policy after each failed attempt, so it may be a getter.
   */
  readonly replayable?: boolean
  /** 1 (highest) … 5 (lowest). */
  priority?: number
  /** Absolute Clock time after which the call must not start. */
  deadline?: number
  /**
   * A Clock reading an outer policy took just before calling its inner fn synchronously (the
   * dispatcher's scheduler sets it when an attempt starts): inner policies may use it instead of
   * reading the clock again. The timeout policy clears it, so it never serves a later attempt.
   */
  now?: number
  [key: string]: unknown
}

export interface Policy {
  execute<T> (fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext): Promise<T>
}

const passthrough: Policy = { execute: (fn, pc) => fn(pc) }

/**
 * The policies bound around one fixed fn: `chain([a, b], fn)(pc)` ≡ `wrap(a, b).execute(fn, pc)`.
 * The closures linking the policies are built here, once; a caller that runs the same fn on every
 * call (the dispatcher keeps per-call data in `pc.meta`) pays nothing per call for the composition.
 */
export function chain<T> (
  policies: readonly Policy[], fn: (pc: PolicyContext) => Promise<T>
): (pc: PolicyContext) => Promise<T> {
  let next = fn
  for (let i = policies.length - 1; i >= 0; i--) {
    const policy = policies[i]!
    const inner = next
    next = (pc) => policy.execute(inner, pc)
  }
  return next
}

/** wrap(a, b, c).execute(fn) ≡ a.execute(() => b.execute(() => c.execute(fn))): outermost first. */
export function wrap (...policies: Policy[]): Policy {
  if (policies.length === 0) return passthrough
  if (policies.length === 1) return policies[0]!
  const [outer, ...rest] = policies
  return {
    execute<T> (fn: (pc: PolicyContext) => Promise<T>, pc: PolicyContext): Promise<T> {
      return outer!.execute(chain(rest, fn), pc)
    },
  }
}

/** A context for a call that has no caller signal. */
export function rootContext (signal: AbortSignal = new AbortController().signal, meta: CallMeta = {}): PolicyContext {
  return { signal, attempt: 1, meta }
}
