// JSON body edits on a parsed document, compiled once: remove, then rename, then set. Paths are
// RFC 6901 pointers whose `*` tokens fan out over every element of an array (on anything else `*`
// matches nothing); a path that does not exist in a document is skipped (remove, rename) or
// created as objects (set, though never through a `*`), never an error, so one transform serves
// bodies of slightly different shapes.
//
//   set "/meta/source"        { a: 1 }             → { a: 1, meta: { source: "gateway" } }
//   remove "/items/*/id"      { items: [{id,n}…] } → { items: [{n}…] }
//   rename "/items/*/a" → "/items/*/b"            moves a to b inside each element
//
// Pointers come from the config only (`__proto__` refused there); the body supplies values.

import { EVERY } from '../../config/transform-rules.js'
import type { PointerToken } from '../../config/transform-rules.js'
import type { RequestContext } from '../contract.js'
import { expand } from './template.js'
import type { Template } from './template.js'

type Pointer = readonly PointerToken[]
type Obj = Record<string, unknown>

export interface JsonOps {
  remove: readonly Pointer[]
  /** `at`: the shared path up to the last `*` (empty without one); from and to are relative to it. */
  rename: ReadonlyArray<{ at: Pointer, from: Pointer, to: Pointer }>
  set: ReadonlyArray<{ path: Pointer, value: { template: Template } | { constant: unknown } }>
}

export function applyJsonOps (ops: JsonOps, doc: unknown, ctx: RequestContext): void {
  for (const path of ops.remove) each(doc, path.slice(0, -1), parent => { remove(parent, path.at(-1)!) })
  for (const { at, from, to } of ops.rename) {
    each(doc, at, node => {
      let value: unknown
      let found = false
      each(node, from.slice(0, -1), parent => {
        const v = get(parent, from.at(-1)!)
        if (v === MISSING) return
        value = v
        found = true
        remove(parent, from.at(-1)!)
      })
      if (found) put(node, to, value)
    })
  }
  for (const { path, value } of ops.set) {
    put(doc, path, 'template' in value ? expand(value.template, ctx) : value.constant)
  }
}

const MISSING = Symbol('missing')

function isObject (v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** An array index token: digits without a leading zero (RFC 6901 §4). */
function index (token: PointerToken, length: number): number | undefined {
  if (typeof token !== 'string' || !/^(0|[1-9]\d*)$/.test(token)) return undefined
  const i = Number(token)
  return i < length ? i : undefined
}

function get (node: unknown, token: PointerToken): unknown {
  if (Array.isArray(node)) {
    const i = index(token, node.length)
    return i === undefined ? MISSING : node[i]
  }
  if (!isObject(node) || token === EVERY) return MISSING
  return Object.hasOwn(node, token) ? node[token] : MISSING
}

/** Calls `fn` on every node `path` reaches from `node`, `*` fanning out over arrays. */
function each (node: unknown, path: Pointer, fn: (node: unknown) => void, from = 0): void {
  if (from === path.length) {
    fn(node)
    return
  }
  const token = path[from]!
  if (token === EVERY && Array.isArray(node)) {
    for (const child of node) each(child, path, fn, from + 1)
    return
  }
  const child = get(node, token)
  if (child !== MISSING) each(child, path, fn, from + 1)
}

function remove (parent: unknown, token: PointerToken): void {
  if (Array.isArray(parent)) {
    if (token === EVERY) parent.length = 0
    else {
      const i = index(token, parent.length)
      if (i !== undefined) parent.splice(i, 1)
    }
    return
  }
  if (isObject(parent) && token !== EVERY) delete parent[token]
}

/** Sets `value` at `path`, creating missing parents as objects; a parent that is a scalar stops it. */
function put (node: unknown, path: Pointer, value: unknown, from = 0): void {
  const token = path[from]!
  const last = from === path.length - 1
  if (Array.isArray(node)) {
    if (token === EVERY) {
      for (let i = 0; i < node.length; i++) {
        if (last) node[i] = value
        else put(node[i], path, value, from + 1)
      }
      return
    }
    // `-` is the element after the last (RFC 6901 §4): set appends there.
    const i = token === '-' ? node.length : index(token, node.length + 1)
    if (i === undefined) return
    if (last) node[i] = value
    else {
      if (i === node.length) node.push({})
      put(node[i], path, value, from + 1)
    }
    return
  }
  if (!isObject(node) || token === EVERY) return
  if (last) {
    node[token] = value
    return
  }
  if (!Object.hasOwn(node, token)) {
    // Nothing to fan out over: `*` never creates the array it would walk.
    if (path[from + 1] === EVERY) return
    node[token] = {}
  }
  put(node[token], path, value, from + 1)
}
