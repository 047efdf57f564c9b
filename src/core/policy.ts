// The one resilience contract (cockatiel's execute + wrap). Retry, breaker, bulkhead, timeout and
// the dispatcher's scheduler all implement it, so the gateway and the dispatcher compose the same code.

/**
 * What the core policies read about a call. A caller's own per-call state rides in a payload that
 * extends this (the `M` of PolicyContext), declared by the caller, so core never sees it.
 */
export interface CallMeta {
  /** HTTP method of the call; GET, HEAD, OPTIONS, PUT and DELETE are idempotent and may be retried. */
  readonly method?: string
  /** True when the request may be replayed even though its method is not idempotent. */
  readonly idempotent?: boolean
  /**
   * False when the request cannot be sent again whatever its method (a streamed body already
   * partly sent); read by the retry policy after each failed attempt, so it may be a getter.
   */
  readonly replayable?: boolean
  /** 1 (highest) … 5 (lowest). */
  readonly priority?: number
  /** Absolute Clock time after which the call must not start. */
  readonly deadline?: number
}

/**
 * A policy that hands its inner fn a different context builds a new object from these three fields
 * rather than spreading one it got: `signal` may be a getter (the timeout policy creates the
 * attempt's AbortController only when it is read), and a spread would drop it.
 */
export interface PolicyContext<M extends CallMeta = CallMeta> {
  /** Aborts when the caller gives up or an outer policy (timeout) cuts this attempt. */
  readonly signal: AbortSignal
  /** 1 for the first attempt, 2 for the first retry, … (set by the retry policy). */
  readonly attempt: number
  /** The call's payload: passed through every policy unchanged. */
  readonly meta: M
}

/**
 * Runs fn under the policy. The core policies are generic in the payload (they read only CallMeta
 * and pass the rest through), so each is a Policy<M> for whatever M its caller carries.
 */
export interface Policy<M extends CallMeta = CallMeta> {
  /** Runs `fn` under the policy with the context `pc`; resolves or rejects as the policy decides. */
  execute<T> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T>
}

/**
 * The policies bound around one fixed fn: `chain([a, b], fn)(pc)` ≡ `wrap(a, b).execute(fn, pc)`.
 * The closures linking the policies are built here, once; a caller that runs the same fn on every
 * call (the dispatcher keeps per-call data in `pc.meta`) pays nothing per call for the composition.
 */
export function chain<T, M extends CallMeta> (
  policies: readonly Policy<M>[], fn: (pc: PolicyContext<M>) => Promise<T>
): (pc: PolicyContext<M>) => Promise<T> {
  let next = fn
  for (let i = policies.length - 1; i >= 0; i--) {
    const policy = policies[i]!
    const inner = next
    next = (pc) => policy.execute(inner, pc)
  }
  return next
}

/** wrap(a, b, c).execute(fn) ≡ a.execute(() => b.execute(() => c.execute(fn))): outermost first. */
export function wrap<M extends CallMeta = CallMeta> (...policies: Policy<M>[]): Policy<M> {
  if (policies.length === 0) return { execute: (fn, pc) => fn(pc) }
  if (policies.length === 1) return policies[0]!
  const [outer, ...rest] = policies
  return {
    execute<T> (fn: (pc: PolicyContext<M>) => Promise<T>, pc: PolicyContext<M>): Promise<T> {
      return outer!.execute(chain(rest, fn), pc)
    },
  }
}

/** A context for a call that has no caller signal. */
export function rootContext<M extends CallMeta = CallMeta> (
  signal: AbortSignal = new AbortController().signal, meta: M = {} as M
): PolicyContext<M> {
  return { signal, attempt: 1, meta }
}
