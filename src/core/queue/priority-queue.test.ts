import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PriorityQueue, QueueNode } from './priority-queue.js'
import type { QueueEntry } from './priority-queue.js'
import { InvalidOptionsError, QueueFullError } from '../../errors.js'
import { seededRandom } from '../../../test/helpers/seeded-random.js'

const drain = <T> (q: PriorityQueue<T>): T[] => {
  const out: T[] = []
  while (q.size > 0) out.push(q.pop()!)
  return out
}

test('pops by priority, FIFO within a level', () => {
  const q = new PriorityQueue<string>({ maxSize: 100 })
  const pushes: [string, number][] = [['c1', 3], ['e1', 5], ['a1', 1], ['c2', 3], ['b1', 2], ['a2', 1], ['c3', 3], ['e2', 5]]
  for (const [v, p] of pushes) q.push(v, p, 0)
  assert.equal(q.peek(0), 'a1')
  assert.deepEqual(drain(q), ['a1', 'a2', 'b1', 'c1', 'c2', 'c3', 'e1', 'e2'])
  assert.equal(q.pop(0), undefined)
})

test('bounded: a push beyond maxSize throws QueueFullError naming the queue', () => {
  const q = new PriorityQueue<number>({ maxSize: 2, name: 'stripe' })
  q.push(1, 3, 0)
  q.push(2, 3, 0)
  assert.throws(() => q.push(3, 1, 0), (e: unknown) => e instanceof QueueFullError && /stripe/.test(e.message) && e.maxSize === 2)
  q.pop()
  q.push(3, 1, 0)
  assert.equal(q.size, 2)
})

test('remove takes out middle entries, keeps order, and is idempotent', () => {
  const q = new PriorityQueue<number>({ maxSize: 100 })
  const entries = Array.from({ length: 20 }, (_, i) => q.push(i, (i * 7) % 5 + 1, 0))
  const gone = new Set([3, 8, 11, 0, 19, 14])
  for (const i of gone) assert.equal(q.remove(entries[i]!), true)
  assert.equal(q.remove(entries[3]!), false, 'second remove is a no-op')
  assert.equal(q.size, 14)
  const want = entries.filter((_, i) => !gone.has(i))
    .sort((a, b) => a.priority - b.priority || a.value - b.value).map(e => e.value)
  const popped = entries[want[0]!]!
  assert.deepEqual(drain(q), want)
  assert.equal(q.remove(popped), false, 'a popped entry cannot be removed')
})

test('aging: a low-priority entry is not starved by a stream of high ones', () => {
  const q = new PriorityQueue<string>({ maxSize: 1000, agingAfterMs: 100 })
  q.push('low', 5, 0)
  const order: string[] = []
  for (let t = 0; t < 1000; t += 10) {
    q.push(`high@${t}`, 1, t)
    order.push(q.pop(t)!)
  }
  const at = order.indexOf('low')
  assert.ok(at >= 0, 'low was served')
  assert.ok(at <= 41, `served after ~4 × agingAfterMs of waiting (position ${at})`)
  const noAging = new PriorityQueue<string>({ maxSize: 1000 })
  noAging.push('low', 5, 0)
  for (let t = 0; t < 1000; t += 10) {
    noAging.push(`high@${t}`, 1, t)
    assert.notEqual(noAging.pop(t), 'low', 'without aging, low starves')
  }
})

test('levelAt: one level up per agingAfterMs waited, never above 1', () => {
  const q = new PriorityQueue<string>({ maxSize: 10, agingAfterMs: 100 })
  const e = q.push('x', 4, 1000)
  const cases = [[1000, 4], [1099, 4], [1100, 3], [1250, 2], [1300, 1], [9999, 1]] as const
  for (const [now, level] of cases) assert.equal(q.levelAt(e, now), level, `at ${now}`)
})

/**
 * The oracle recomputes every entry's level at pop time and orders by (level, time it reached that
 * level, push order); it shares no code or key formula with the heap.
 */
class Oracle {
  items: { id: number, p: number, t: number, seq: number }[] = []
  seq = 0
  constructor (readonly agingMs: number) {}
  push (id: number, p: number, t: number) { this.items.push({ id, p, t, seq: this.seq++ }) }
  remove (id: number) { this.items = this.items.filter(i => i.id !== id) }
  pop (now: number): number | undefined {
    const rank = (i: { p: number, t: number }) => {
      let level = i.p
      let reached = i.t
      while (level > 1 && now - reached >= this.agingMs) { level--; reached += this.agingMs }
      return [level, reached] as const
    }
    let best: typeof this.items[number] | undefined
    for (const i of this.items) {
      if (best === undefined) { best = i; continue }
      const [la, ra] = rank(i)
      const [lb, rb] = rank(best)
      if (la < lb || (la === lb && (ra < rb || (ra === rb && i.seq < best.seq)))) best = i
    }
    if (best !== undefined) this.remove(best.id)
    return best?.id
  }
}

test('aging with a static key matches a naive oracle over random operations', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const random = seededRandom(seed)
    const agingMs = [1, 10, 100][seed % 3]!
    const q = new PriorityQueue<number>({ maxSize: 10_000, agingAfterMs: agingMs })
    const oracle = new Oracle(agingMs)
    const live = new Map<number, QueueEntry<number>>()
    let now = 0
    let id = 0
    for (let step = 0; step < 2000; step++) {
      now += Math.floor(random() * agingMs * 0.7)
      const r = random()
      if (r < 0.45) {
        const p = 1 + Math.floor(random() * 5)
        live.set(id, q.push(id, p, now))
        oracle.push(id, p, now)
        id++
      } else if (r < 0.65 && live.size > 0) {
        const keys = [...live.keys()]
        const victim = keys[Math.floor(random() * keys.length)]!
        assert.equal(q.remove(live.get(victim)!), true)
        live.delete(victim)
        oracle.remove(victim)
      } else {
        const got = q.pop(now)
        assert.equal(got, oracle.pop(now), `seed ${seed} step ${step} now ${now}`)
        if (got !== undefined) live.delete(got)
      }
      assert.equal(q.size, oracle.items.length)
    }
  }
})

test('an aged entry queues behind those already waiting at its new level', () => {
  const q = new PriorityQueue<string>({ maxSize: 10, agingAfterMs: 100 })
  q.push('pushed-early-at-3', 3, 0)
  q.push('pushed-later-at-2', 2, 50)
  // At t=100 both are level 2; the second has been level 2 since t=50, the first only since t=100.
  assert.equal(q.levelAt(q.peekEntry()!, 100), 2)
  assert.deepEqual([q.pop(100), q.pop(100)], ['pushed-later-at-2', 'pushed-early-at-3'])
})

test('with a clock that goes back and odd priorities, pops still follow (key, push order)', () => {
  for (const seed of [11, 12, 13]) {
    const random = seededRandom(seed)
    const q = new PriorityQueue<number>({ maxSize: 1000, agingAfterMs: 10 })
    const keys: { id: number, key: number }[] = []
    for (let id = 0; id < 300; id++) {
      const p = [1, 2, 3, 4, 5, 0.5, 7][Math.floor(random() * 7)]!
      const now = Math.floor(random() * 100)
      q.push(id, p, now)
      keys.push({ id, key: p * 10 + now })
    }
    const want = keys.sort((a, b) => a.key - b.key || a.id - b.id).map(k => k.id)
    assert.deepEqual(q.clear(), want, `seed ${seed}`)
    assert.equal(q.size, 0)
  }
})

test('a caller-made node holds its entry, can queue again once out, and never twice at once', () => {
  class Job extends QueueNode<Job> { constructor (readonly name: string) { super() } }
  const q = new PriorityQueue<Job>({ maxSize: 10 })
  const a = new Job('a')
  const b = new Job('b')
  assert.equal(q.push(a, 3, 0, a), a, 'the node is the entry')
  q.push(b, 1, 0, b)
  assert.throws(() => q.push(a, 2, 0, a), InvalidOptionsError)
  assert.equal(q.size, 2)
  assert.equal(q.remove(a), true)
  assert.equal(q.remove(a), false)
  q.push(a, 1, 1, a)
  assert.deepEqual(q.clear().map(j => j.name), ['b', 'a'])
})
