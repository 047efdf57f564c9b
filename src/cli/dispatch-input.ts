// One line of a `sluice dispatch` input file → the request it asks for, or why it cannot be sent.
// The request is built from the fields below and nothing else: a line is data from anywhere, and a
// stray key must neither reach the dispatcher (`"signal": null` once killed a run) nor be dropped
// in silence (a misspelt `heders` would send the call without its headers).

import type { DispatchRequest } from '../dispatcher/request.js'

export interface InputLine { id: string, request: DispatchRequest }
export interface BadLine { id: string, error: string }

const FIELDS = ['id', 'supplier', 'method', 'path', 'query', 'headers', 'body', 'priority', 'timeout', 'idempotent'] as const

/** `line:N` names a line that has no usable id of its own. */
export const lineId = (lineNo: number): string => `line:${lineNo}`

export function parseLine (text: string, lineNo: number): InputLine | BadLine {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (err) {
    return { id: lineId(lineNo), error: `line ${lineNo}: invalid JSON (${(err as Error).message})` }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { id: lineId(lineNo), error: `line ${lineNo}: expected a JSON object` }
  const o = v as Record<string, unknown>
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined
  if (id === undefined) return { id: lineId(lineNo), error: `line ${lineNo}: missing "id"` }
  const unknown = Object.keys(o).filter(k => !(FIELDS as readonly string[]).includes(k))
  if (unknown.length > 0) {
    return { id, error: `line ${lineNo}: unknown field ${unknown.map(k => JSON.stringify(k)).join(', ')} (expected ${FIELDS.join(', ')})` }
  }
  if (typeof o.supplier !== 'string') return { id, error: `line ${lineNo}: missing "supplier"` }
  if (typeof o.path !== 'string') return { id, error: `line ${lineNo}: missing "path"` }
  const request: DispatchRequest = { supplier: o.supplier, path: o.path }
  // Copied field by field: the dispatcher checks each value and names the field it refuses.
  if (o.method !== undefined) request.method = o.method as DispatchRequest['method']
  if (o.query !== undefined) request.query = o.query as DispatchRequest['query']
  if (o.headers !== undefined) request.headers = o.headers as DispatchRequest['headers']
  if (o.body !== undefined) request.body = o.body
  if (o.priority !== undefined) request.priority = o.priority as DispatchRequest['priority']
  if (o.timeout !== undefined) request.timeout = o.timeout as DispatchRequest['timeout']
  if (o.idempotent !== undefined) request.idempotent = o.idempotent as DispatchRequest['idempotent']
  return { id, request }
}
