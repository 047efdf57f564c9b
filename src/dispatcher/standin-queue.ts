// Temporary stand-in for src/core/queue/priority-queue.ts until it lands (same API).

export interface QueueEntry<T> { value: T, priority: number, at: number, live: boolean }

export class PriorityQueue<T> {
  #levels: QueueEntry<T>[][] = [[], [], [], [], [], []]
  #size = 0
  #agingAfterMs: number

  constructor (opts: { maxSize: number, agingAfterMs: number, name?: string }) {
    this.#agingAfterMs = opts.agingAfterMs
  }

  get size (): number { return this.#size }

  push (value: T, priority: number, now: number): QueueEntry<T> {
    const e = { value, priority, at: now, live: true }
    this.#levels[priority]!.push(e)
    this.#size++
    return e
  }

  #best (now: number): QueueEntry<T> | undefined {
    let best: QueueEntry<T> | undefined
    let bestEff = Infinity
    for (const level of this.#levels) {
      while (level.length > 0 && !level[0]!.live) level.shift()
      const e = level[0]
      if (e === undefined) continue
      const aged = this.#agingAfterMs > 0 ? Math.floor((now - e.at) / this.#agingAfterMs) : 0
      const eff = Math.max(1, e.priority - aged)
      if (eff < bestEff || (eff === bestEff && best !== undefined && e.at < best.at)) {
        best = e
        bestEff = eff
      }
    }
    return best
  }

  peek (now: number): T | undefined { return this.#best(now)?.value }

  pop (now: number): T | undefined {
    const e = this.#best(now)
    if (e === undefined) return undefined
    this.remove(e)
    return e.value
  }

  remove (e: QueueEntry<T>): boolean {
    if (!e.live) return false
    e.live = false
    this.#size--
    return true
  }
}
