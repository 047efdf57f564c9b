// Policies announce what they did through these tiny emitters; observability/ listens and turns
// events into metrics and logs, so core never imports prom-client or pino.

export type Listener<T> = (event: T) => void

/** A tiny typed event emitter: listeners are called in order and a listener's throw is swallowed. */
export class Emitter<T> {
  #listeners: Listener<T>[] = []

  /** Subscribes; returns the function that unsubscribes. */
  on (listener: Listener<T>): () => void {
    this.#listeners = [...this.#listeners, listener]
    return () => { this.#listeners = this.#listeners.filter(l => l !== listener) }
  }

  /** Calls every listener with `event`. */
  emit (event: T): void {
    // A listener's bug must not break the policy that emitted the event.
    for (const l of this.#listeners) {
      try { l(event) } catch { /* observers cannot affect control flow */ }
    }
  }

  /** Listeners subscribed now. */
  get size (): number { return this.#listeners.length }
}
