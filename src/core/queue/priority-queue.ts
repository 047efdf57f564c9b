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

/**
 * An entry's place in the queue. A caller that keeps one object per waiting value may make that
 * object the node (extend this class, push it as its own node): one object per entry instead of two.
 */
export class QueueNode<T> implements QueueEntry<T> {
  prev: QueueNode<T> | undefined = undefined
  next: QueueNode<T> | undefined = undefined
  /** The level list holding it; undefined once out: what makes double-remove harmless. */
  list: Level<T> | undefined = undefined
  value: T = undefined as T
  priority = 0
  enqueuedAt = 0
  seq = 0
}

/** One pushed priority's entries, a doubly linked list in (key, seq) order. */
class Level<T> {
  constructor (readonly priority: number, readonly indexed: boolean) {}
  head: QueueNode<T> | undefined = undefined
  tail: QueueNode<T> | undefined = undefined
}

/**
 * A bounded queue of waiters, FIFO within a level, with aging.
 *
 * Aging without re-keying: an entry of level p pushed at t reaches level L (< p) at t + (p − L)·A, so
 * its level at `now` is max(1, ceil((p·A + t − now) / A)), a non-decreasing function of the static key
 * k = p·A + t. Ordering by (k, seq) therefore always puts lower current levels first, and within one
 * level orders entries by when they *arrived at that level* (k − L·A), oldest first. An aged entry thus
 * queues behind entries already waiting at its new level, not ahead of them because it was pushed
 * earlier. `now` is read only by push.
 *
 * Entries pushed with one priority get keys in push order when `now` does not go back (a monotonic
 * clock), so each pushed priority keeps its own list already sorted: push appends, pop takes the
 * smallest of the (at most five) list heads, remove unlinks. All O(1); a push whose `now` went back
 * walks from the tail to its place, so the order stays exact whatever the caller's clock does.
 */
export class PriorityQueue<T> {
  readonly #maxSize: number
  readonly #agingMs: number
  readonly #name: string
  /** Lists of the priorities 1 … 5 by index; other priorities (fractions, 0, > 5) in #others. */
  readonly #levels: (Level<T> | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined]
  #others: Map<number, Level<T>> | undefined
  #all: Level<T>[] = []
  #size = 0
  #seq = 0

  constructor ({ maxSize, agingAfterMs = 0, name = 'queue' }: PriorityQueueOptions) {
    if (!(maxSize >= 0)) throw new InvalidOptionsError(`${name}: maxSize must be >= 0`)
    if (!(agingAfterMs >= 0)) throw new InvalidOptionsError(`${name}: agingAfterMs must be >= 0`)
    this.#maxSize = maxSize
    this.#agingMs = Number.isFinite(agingAfterMs) ? agingAfterMs : 0
    this.#name = name
  }

  /** Entries queued now. */
  get size (): number { return this.#size }

  /** `node`: the object to hold the entry (see QueueNode), not in any queue now; a new one if none. */
  push (value: T, priority: number, now: number, node: QueueNode<T> = new QueueNode<T>()): QueueEntry<T> {
    if (this.#size >= this.#maxSize) throw new QueueFullError(this.#name, this.#maxSize)
    if (!Number.isFinite(priority)) throw new InvalidOptionsError(`${this.#name}: priority must be a number`)
    if (node.list !== undefined) throw new InvalidOptionsError(`${this.#name}: node is already queued`)
    node.value = value
    node.priority = priority
    node.enqueuedAt = now
    node.seq = this.#seq++
    const list = this.#level(priority)
    let after = list.tail
    while (after !== undefined && this.#before(node, after)) after = after.prev
    node.prev = after
    node.next = after === undefined ? list.head : after.next
    if (node.next === undefined) list.tail = node
    else node.next.prev = node
    if (after === undefined) list.head = node
    else after.next = node
    node.list = list
    this.#size++
    return node
  }

  /** The level `entry` has reached by `now` (1 … its pushed priority). */
  levelAt (entry: QueueEntry<T>, now: number): number {
    if (this.#agingMs === 0) return entry.priority
    return Math.max(1, entry.priority - Math.floor((now - entry.enqueuedAt) / this.#agingMs))
  }

  /** The value that `pop` would return next, left in place. */
  peek (_now?: number): T | undefined { return this.#first()?.value }

  /** The entry that `pop` would take next, left in place. */
  peekEntry (): QueueEntry<T> | undefined { return this.#first() }

  /** Takes the highest-priority value (the oldest among equals); undefined when empty. */
  pop (_now?: number): T | undefined {
    const top = this.#first()
    if (top === undefined) return undefined
    this.#unlink(top)
    return top.value
  }

  /** Takes `entry` out wherever it is (an aborted waiter); false if it already left. */
  remove (entry: QueueEntry<T>): boolean {
    const node = entry as QueueNode<T>
    if (!(node instanceof QueueNode) || node.list === undefined) return false
    this.#unlink(node)
    return true
  }

  /** Empties the queue, returning the values in the order they would have been popped. */
  clear (): T[] {
    const out: T[] = []
    while (this.#size > 0) out.push(this.pop() as T)
    return out
  }

  #level (priority: number): Level<T> {
    const byIndex = Number.isInteger(priority) && priority >= 1 && priority <= 5
    let list = byIndex ? this.#levels[priority] : this.#others?.get(priority)
    if (list === undefined) {
      list = new Level<T>(priority, byIndex)
      if (byIndex) this.#levels[priority] = list
      else (this.#others ??= new Map()).set(priority, list)
      this.#all.push(list)
    }
    return list
  }

  /**
   * Whether `a` pops before `b`: (key, seq) order, the key computed rather than stored (a stored
   * double is one more heap object per waiting entry).
   */
  #before (a: QueueNode<T>, b: QueueNode<T>): boolean {
    const ms = this.#agingMs
    const ka = ms > 0 ? a.priority * ms + a.enqueuedAt : a.priority
    const kb = ms > 0 ? b.priority * ms + b.enqueuedAt : b.priority
    return ka < kb || (ka === kb && a.seq < b.seq)
  }

  #first (): QueueNode<T> | undefined {
    if (this.#size === 0) return undefined
    const all = this.#all
    let best: QueueNode<T> | undefined
    for (let i = 0; i < all.length; i++) {
      const h = all[i]!.head
      if (h !== undefined && (best === undefined || this.#before(h, best))) best = h
    }
    return best
  }

  #unlink (node: QueueNode<T>): void {
    const list = node.list!
    if (node.prev === undefined) list.head = node.next
    else node.prev.next = node.next
    if (node.next === undefined) list.tail = node.prev
    else node.next.prev = node.prev
    node.prev = node.next = undefined
    node.list = undefined
    this.#size--
    // Odd priorities are caller-chosen and unbounded in number: their lists go once empty.
    if (!list.indexed && list.head === undefined) {
      this.#others!.delete(list.priority)
      this.#all = this.#all.filter(l => l !== list)
    }
  }
}
