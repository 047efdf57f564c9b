// Segment trie over literal path segments with one param edge per node.
//
//   root ─api─▶ • ─users─▶ • ─:─▶ •     /api/users (prefix) sits on the `users` node,
//                  └─:──▶ •            /api/users/:id (exact) on the `:` node below it.
//
// Each node lists the ranks (positions in the router's total order) of the routes that end there,
// ascending because routes are inserted in rank order. A lookup walks only the request's own
// segments, so its cost follows path depth, not the number of routes.

import type { PathPattern } from './path.js'

export class TrieNode {
  literal: Map<string, TrieNode> | undefined
  param: TrieNode | undefined
  /** Routes matching any path that reaches this node (prefix semantics). */
  readonly prefix: number[] = []
  /** Routes matching only a path that ends at this node. */
  readonly exact: number[] = []
}

export function insertRoute (root: TrieNode, pattern: PathPattern, exact: boolean, rank: number): void {
  let node = root
  for (const seg of pattern.segments) {
    if (seg === undefined) {
      node = node.param ??= new TrieNode()
    } else {
      node.literal ??= new Map()
      let next = node.literal.get(seg)
      if (next === undefined) {
        next = new TrieNode()
        node.literal.set(seg, next)
      }
      node = next
    }
  }
  (exact ? node.exact : node.prefix).push(rank)
}

/** Pushes every non-empty rank list that applies to `segs` onto `out`. Params never match ''. */
export function collectCandidates (node: TrieNode, segs: readonly string[], depth: number, out: number[][]): void {
  if (node.prefix.length > 0) out.push(node.prefix)
  if (depth === segs.length) {
    if (node.exact.length > 0) out.push(node.exact)
    return
  }
  const seg = segs[depth] as string
  const next = node.literal?.get(seg)
  if (next !== undefined) collectCandidates(next, segs, depth + 1, out)
  if (node.param !== undefined && seg !== '') collectCandidates(node.param, segs, depth + 1, out)
}
