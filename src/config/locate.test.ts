import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LineCounter, parseDocument } from 'yaml'
import { formatPath, locate, pointerToPath } from './locate.js'

const formats: { desc: string, path: (string | number)[], out: string }[] = [
  { desc: 'root', path: [], out: '(root)' },
  { desc: 'keys and indexes', path: ['routes', 2, 'upstream'], out: 'routes[2].upstream' },
  { desc: 'dashes stay dotted', path: ['match', 'headers', 'x-beta'], out: 'match.headers.x-beta' },
  { desc: 'dots and spaces are quoted', path: ['upstreams', 'a.b', 'c d'], out: 'upstreams["a.b"]["c d"]' },
]
for (const c of formats) test(`formatPath: ${c.desc}`, () => assert.equal(formatPath(c.path), c.out))

test('pointerToPath: numeric keys are indexes only inside arrays, ~ escapes are undone', () => {
  const value = { list: [{ 0: { 'a/b': { '~x': 1 } } }] }
  assert.deepEqual(pointerToPath('/list/0/0/a~1b/~0x', value), ['list', 0, '0', 'a/b', '~x'])
  assert.deepEqual(pointerToPath('', value), [])
})

const text = 'a:\n  b: [10, { c: 1 }]\n  d: x\n'
const counter = new LineCounter()
const doc = parseDocument(text, { lineCounter: counter })

const locations: { desc: string, path: (string | number)[], anchor?: 'key', pos: [number, number] }[] = [
  { desc: 'scalar value', path: ['a', 'd'], pos: [3, 6] },
  { desc: 'key instead of value', path: ['a', 'd'], anchor: 'key', pos: [3, 3] },
  { desc: 'sequence item', path: ['a', 'b', 0], pos: [2, 7] },
  { desc: 'inside a flow map', path: ['a', 'b', 1, 'c'], pos: [2, 16] },
  { desc: 'missing key falls back to the deepest existing node', path: ['a', 'b', 1, 'zz'], pos: [2, 11] },
  { desc: 'root', path: [], pos: [1, 1] },
]
for (const c of locations) {
  test(`locate: ${c.desc}`, () => {
    const { line, col } = locate(doc, counter, c.path, c.anchor)
    assert.deepEqual([line, col], c.pos)
  })
}
