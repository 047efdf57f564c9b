import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ResourceRegistry } from './resources.js'
import type { Resource } from './resources.js'

class Part implements Resource {
  readonly events: string[] = []
  constructor (readonly name: string) {}
  start (): void { this.events.push('start') }
  close (): void { this.events.push('close') }
}

test('a part is reused by key, started when its first snapshot goes live, closed when the last retires', async () => {
  const reg = new ResourceRegistry()
  const first = reg.begin()
  const a = first.use('k|a', () => new Part('a'))
  const b = first.use('k|b', () => new Part('b'))
  assert.deepEqual(a.events, [], 'nothing starts while the snapshot is being built')
  reg.activate(first)
  assert.deepEqual(a.events, ['start'])

  // A reload keeps `a` (same key) and drops `b`.
  const second = reg.begin()
  assert.equal(second.use('k|a', () => new Part('a2')), a)
  const c = second.use('k|c', () => new Part('c'))
  reg.activate(second)
  assert.deepEqual(a.events, ['start'], 'started once')
  assert.deepEqual(c.events, ['start'])

  await reg.release(first)
  assert.deepEqual(a.events, ['start'], 'still held by the live snapshot')
  assert.deepEqual(b.events, ['start', 'close'])
  assert.equal(reg.size, 2)

  await reg.release(second)
  assert.deepEqual(a.events, ['start', 'close'])
  assert.deepEqual(c.events, ['start', 'close'])
  assert.equal(reg.size, 0)
})

test('a rejected build closes the parts it made and leaves the borrowed ones alone', async () => {
  const reg = new ResourceRegistry()
  const live = reg.begin()
  const kept = live.use('k|kept', () => new Part('kept'))
  reg.activate(live)
  const rejected = reg.begin()
  rejected.use('k|kept', () => new Part('never'))
  const made = rejected.use('k|new', () => new Part('new'))
  await reg.discard(rejected)
  assert.deepEqual(made.events, ['close'], 'closed without ever starting')
  assert.deepEqual(kept.events, ['start'])
  assert.equal(reg.size, 1)
  await reg.closeAll()
  assert.deepEqual(kept.events, ['start', 'close'])
})

test('a part whose start or close throws is reported by key; the others still run', async () => {
  const errors: string[] = []
  const reg = new ResourceRegistry((err, key) => errors.push(`${key}: ${(err as Error).message}`))
  const set = reg.begin()
  set.use('k|bad', () => ({ start () { throw new Error('no start') }, close () { return Promise.reject(new Error('no close')) } }))
  const good = set.use('k|good', () => new Part('good'))
  reg.activate(set)
  await reg.release(set)
  assert.deepEqual(errors, ['k|bad: no start', 'k|bad: no close'])
  assert.deepEqual(good.events, ['start', 'close'])
})
