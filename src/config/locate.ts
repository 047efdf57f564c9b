// Maps a path inside the loaded value back to the YAML node it came from, so that every config
// error can say file:line:col.
import { isMap, isPair, isScalar, isSeq } from 'yaml'
import type { Document, LineCounter, Node } from 'yaml'

import type { Anchor, ConfigPath } from './config-path.js'

export { formatPath, pointerToPath } from './config-path.js'
export type { Anchor, ConfigPath } from './config-path.js'

export interface Position { line: number, col: number }

function keyOf (node: unknown): unknown {
  return isScalar(node) ? node.value : node
}

function child (node: Node, seg: string | number): { key?: Node, value?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && String(keyOf(p.key)) === String(seg))
    if (pair === undefined) return undefined
    return { key: pair.key as Node | undefined, value: pair.value as Node | undefined }
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg] as Node | undefined
    return item === undefined ? undefined : { value: item }
  }
  return undefined
}

/**
 * Position of the node at `path`. When the path goes further than the document (a key that is
 * missing, or a default the loader filled in), the deepest existing ancestor is used.
 */
export function locate (doc: Document, counter: LineCounter, path: ConfigPath, anchor: Anchor = 'value'): Position {
  let node = doc.contents as Node | null
  let offset = node?.range?.[0] ?? 0
  for (let i = 0; i < path.length && node; i++) {
    const next = child(node, path[i]!)
    if (next === undefined) break
    const last = i === path.length - 1
    const target = last && anchor === 'key' ? next.key : next.value
    if (target?.range) offset = target.range[0]
    else if (next.key?.range) offset = next.key.range[0]
    node = next.value ?? null
  }
  return counter.linePos(offset)
}
