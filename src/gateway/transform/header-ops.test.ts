// The verb order (remove, rename, set, add) on a flat header list, including the cases where
// one verb's name is another's.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { RequestContext } from '../contract.js'
import { compileHeaderOps } from './compile.js'
import { applyHeaderOps } from './header-ops.js'

type Ops = Parameters<typeof compileHeaderOps>[0]
const ctx = {} as RequestContext

const cases: Array<{ desc: string, ops: Ops, in: string[], want: string[] }> = [
  {
    desc: 'each verb; names compare without case',
    ops: { remove: ['X-Debug'], rename: { 'x-old': 'x-new' }, set: { 'x-s': '1' }, add: { 'x-a': '2' } },
    in: ['X-Debug', 'd', 'X-Old', 'o', 'x-new', 'n', 'X-S', 'old', 'x-a', '1'],
    want: ['x-new', 'o', 'x-a', '1', 'x-s', '1', 'x-a', '2'],
  },
  {
    desc: 'a rename happens before a set of its old name',
    ops: { rename: { 'x-a': 'x-b' }, set: { 'x-a': 'set' } },
    in: ['x-a', 'moved', 'x-b', 'replaced'],
    want: ['x-b', 'moved', 'x-a', 'set'],
  },
  {
    desc: 'a removed name is not renamed; an absent old name leaves the new one alone',
    ops: { remove: ['x-a'], rename: { 'x-a': 'x-b', 'x-c': 'x-d' } },
    in: ['x-a', '1', 'x-b', 'kept', 'x-d', 'kept too'],
    want: ['x-b', 'kept', 'x-d', 'kept too'],
  },
]

for (const c of cases) {
  test(c.desc, () => {
    const headers = [...c.in]
    applyHeaderOps(compileHeaderOps(c.ops)!, headers, ctx)
    assert.deepEqual(headers, c.want)
  })
}
