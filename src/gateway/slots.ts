// Hands out per-request state slots (contract.ts Slot). One allocator per snapshot build: every
// stage factory of that build takes its slots from it, so indexes are dense and never shared
// between two stages of the same snapshot. A request keeps the snapshot it started on, so a
// reload that numbers slots differently never mixes with a request in flight.

import type { Slot } from './contract.js'

export class SlotAllocator {
  #next = 0

  create<T> (name: string): Slot<T> {
    return Object.freeze({ index: this.#next++, name })
  }

  /** How many slots have been handed out. */
  get size (): number { return this.#next }
}
