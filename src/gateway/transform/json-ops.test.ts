/* eslint-disable no-template-curly-in-string -- templates are part of the cases */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { RequestContext } from '../contract.js'
import { compileJsonOps } from './compile.js'
import { applyJsonOps } from './json-ops.js'

type Ops = Parameters<typeof compileJsonOps>[0]

const ctx = { id: 'r-1', route: { name: 'orders' } } as unknown as RequestContext

const cases: Array<{ desc: string, ops: Ops, doc: unknown, want: unknown }> = [
  {
    desc: 'set creates missing parents and expands templates',
    ops: { set: { '/meta/source': 'gateway', '/meta/route': '${route.name}', '/n': 3 } },
    doc: { a: 1 },
    want: { a: 1, meta: { source: 'gateway', route: 'orders' }, n: 3 },
  },
  {
    desc: 'remove nested members and * over arrays; a missing path is skipped',
    ops: { remove: ['/secret', '/items/*/internalId', '/nothing/here'] },
    doc: { secret: 's', items: [{ id: 1, internalId: 'x' }, { id: 2 }, 'scalar'] },
    want: { items: [{ id: 1 }, { id: 2 }, 'scalar'] },
  },
  {
    desc: 'rename at the top and inside each element',
    ops: { rename: { '/userName': '/user_name', '/items/*/a': '/items/*/b/c' } },
    doc: { userName: 'ann', items: [{ a: 1 }, { z: 0 }] },
    want: { user_name: 'ann', items: [{ b: { c: 1 } }, { z: 0 }] },
  },
  {
    desc: 'order: remove, then rename, then set',
    ops: { remove: ['/x'], rename: { '/y': '/x' }, set: { '/y': 'new' } },
    doc: { x: 'old', y: 'moved' },
    want: { x: 'moved', y: 'new' },
  },
  {
    desc: 'array indexes and - (append); escaped tokens',
    ops: { set: { '/list/-': 'end', '/list/0': 'first', '/a~1b/c~0d': true }, remove: ['/list/1'] },
    doc: { list: ['a', 'b', 'c'] },
    want: { list: ['first', 'c', 'end'], 'a/b': { 'c~d': true } },
  },
  {
    desc: '* fans out over arrays only, and set never creates what it would walk',
    ops: { set: { '/none/*/x': 1, '/obj/*/x': 1 }, remove: ['/obj/*'] },
    doc: { obj: { '*': { x: 0 } } },
    want: { obj: { '*': { x: 0 } } },
  },
  {
    desc: 'a scalar in the way stops a set; an index out of range is skipped',
    ops: { set: { '/s/x': 1, '/list/5': 1 } },
    doc: { s: 'text', list: [] },
    want: { s: 'text', list: [] },
  },
]

for (const c of cases) {
  test(c.desc, () => {
    const doc = structuredClone(c.doc)
    applyJsonOps(compileJsonOps(c.ops)!, doc, ctx)
    assert.deepEqual(doc, c.want)
  })
}

test('a body member named __proto__ is an ordinary member, never the prototype', () => {
  const doc = JSON.parse('{"__proto__": {"polluted": true}, "a": {}}') as Record<string, unknown>
  applyJsonOps(compileJsonOps({ set: { '/a/b': 1 }, remove: ['/x'] })!, doc, ctx)
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
  assert.deepEqual(doc.a, { b: 1 })
})
