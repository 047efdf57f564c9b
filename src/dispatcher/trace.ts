// The dispatcher's tracing seam, types only. A dispatcher made with `tracing` loads
// observability/tracing/dispatch-tracer.ts (dynamically) to implement it; without, calls carry no
// trace and pay one undefined check per attempt.

export interface DispatchTracer {
  /**
   * Opens a call's span: its parent is a `traceparent` among the call's own headers (a caller
   * continuing its trace), else it starts a trace.
   */
  startCall (supplier: string, origin: string, method: string, path: string, headers: Record<string, string>): CallTrace
  /** Sends the spans still queued. */
  shutdown (): Promise<void>
}

export interface CallTrace {
  /** Opens the CLIENT span of attempt `n` (1 for the first); its headers carry its traceparent. */
  attempt (n: number): AttemptSpan
  /** The call's answer (`status`, with its attempts and time queued) or its error. */
  end (answer: { status: number, attempts: number, queuedMs: number } | undefined, err?: unknown): void
}

export interface AttemptSpan {
  /** The call's headers with this attempt's traceparent (and tracestate). */
  readonly headers: Record<string, string>
  end (status: number | undefined, err?: unknown): void
}
