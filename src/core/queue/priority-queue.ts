import { InvalidOptionsError, QueueFullError } from '../../errors.js'

export interface PriorityQueueOptions {
  /** Entries held at most; a push beyond it throws QueueFullError. */
  maxSize: number
  /** An entry moves up one level per this many ms waited; 0 or Infinity disables aging [0]. */
  agingAfterMs?: number
  /** Named in QueueFullError messages ['queue']. */
  name?: string
}

export interface QueueEntry<T> {
  readonly value: T
  /** The level it was pushed with: 1 (highest) … 5 (lowest). */
  readonly priority: number
  readonly enqueuedAt: number
}

interface Node<T> extends QueueEntry<T> {
  readonly key: number
  readonly seq: number
  /** Position in the heap, -1 once out: what makes remove O(log n) and double-remove harmless. */
  index: number
}

/**
 * A bounded binary min-heap of waiters, FIFO within a level, with aging.
 *
 * Aging without re-keying: an entry of level p pushed at t reaches level L (< p) at t + (p − L)·A, so
 * its level at `now` is max(1, ceil((p·A + t − now) / A)), a non-decreasing function of the static key
 * k = p·A + t. Ordering by (k, seq) therefore always puts lower current levels first, and within one
 * level orders entries by when they *arrived at that level* (k − L·A), oldest first. An aged entry thus
 * queues behind entries already waiting at its new level, not ahead of them because it was pushed
 * earlier. The heap never needs rebuilding as time passes; `now` is read only by push.
 */
export class PriorityQueue<T> {
  readonly #maxSize: number
  readonly #agingMs: number
  readonly #name: string
  #heap: Node<T>[] = []
  #seq = 0

  constructor ({ maxSize, agingAfterMs = 0, name = 'queue' }: PriorityQueueOptions) {
    if (!(maxSize >= 0)) throw new InvalidOptionsError(`${name}: maxSize must be >= 0`)
    if (!(agingAfterMs >= 0)) throw new InvalidOptionsError(`${name}: agingAfterMs must be >= 0`)
    this.#maxSize = maxSize
    this.#agingMs = Number.isFinite(agingAfterMs) ? agingAfterMs : 0
    this.#name = name
  }

  get size (): number { return this.#heap.length }

  push (value: T, priority: number, now: number): QueueEntry<T> {
    if (this.#heap.length >= this.#maxSize) throw new QueueFullError(this.#name, this.#maxSize)
    if (!Number.isFinite(priority)) throw new InvalidOptionsError(`${this.#name}: priority must be a number`)
    const key = this.#agingMs > 0 ? priority * this.#agingMs + now : priority
    const node: Node<T> = { value, priority, enqueuedAt: now, key, seq: this.#seq++, index: this.#heap.length }
    this.#heap.push(node)
    this.#up(node.index)
    return node
  }

  /** The level `entry` has reached by `now` (1 … its pushed priority). */
  levelAt (entry: QueueEntry<T>, now: number): number {
    if (this.#agingMs === 0) return entry.priority
    return Math.max(1, entry.priority - Math.floor((now - entry.enqueuedAt) / this.#agingMs))
  }

  peek (_now?: number): T | undefined { return this.#heap[0]?.value }

  peekEntry (): QueueEntry<T> | undefined { return this.#heap[0] }

  pop (_now?: number): T | undefined {
    const top = this.#heap[0]
    if (top === undefined) return undefined
    this.#removeAt(0)
    return top.value
  }

  /** Takes `entry` out wherever it is (an aborted waiter); false if it already left. */
  remove (entry: QueueEntry<T>): boolean {
    const node = entry as Node<T>
    if (node.index < 0 || this.#heap[node.index] !== node) return false
    this.#removeAt(node.index)
    return true
  }

  /** Empties the queue, returning the values in the order they would have been popped. */
  clear (): T[] {
    const out: T[] = []
    while (this.#heap.length > 0) {
      out.push(this.#heap[0]!.value)
      this.#removeAt(0)
    }
    return out
  }

  #removeAt (i: number): void {
    const heap = this.#heap
    const gone = heap[i]!
    const last = heap.pop()!
    gone.index = -1
    if (last === gone) return
    heap[i] = last
    last.index = i
    this.#down(i)
    this.#up(last.index)
  }

  #less (a: Node<T>, b: Node<T>): boolean {
    return a.key < b.key || (a.key === b.key && a.seq < b.seq)
  }

  #swap (i: number, j: number): void {
    const heap = this.#heap
    const a = heap[i]!
    const b = heap[j]!
    heap[i] = b; b.index = i
    heap[j] = a; a.index = j
  }

  #up (i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#less(this.#heap[i]!, this.#heap[parent]!)) return
      this.#swap(i, parent)
      i = parent
    }
  }

  #down (i: number): void {
    const n = this.#heap.length
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let best = i
      if (l < n && this.#less(this.#heap[l]!, this.#heap[best]!)) best = l
      if (r < n && this.#less(this.#heap[r]!, this.#heap[best]!)) best = r
      if (best === i) return
      this.#swap(i, best)
      i = best
    }
  }
}
