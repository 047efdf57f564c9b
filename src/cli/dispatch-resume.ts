// What an earlier run of `sluice dispatch` left done, read from its output file as a stream (the
// file can hold millions of results; it is never read into one string). The output is append-only,
// so an id may have several records: the last one is its result.
//
// A result is final when rerunning cannot change it: an answer from the supplier (any status), or
// an error that is the caller's (a bad line, an unknown supplier, invalid options). A failure that
// may pass (the supplier unreachable, a timeout, a full queue) is done again by the next run.
// `--retry-failed` redoes every failure: error answers (5xx, 429) and final errors too.

import { closeSync, createReadStream, existsSync, fstatSync, openSync, readSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { kindOfCode } from '../error-kinds.js'

interface Recorded { id?: unknown, status?: unknown, error?: { code?: unknown } }

/**
 * A result that counts as a failure for the exit status: an error record, or a 5xx or 429 answer
 * (what --retry-failed redoes).
 */
export function isFailure (r: Recorded): boolean {
  if (typeof r.status === 'number') return r.status >= 500 || r.status === 429
  return true
}

function isFinal (r: Recorded, retryFailed: boolean): boolean {
  if (typeof r.status === 'number') return !(retryFailed && (r.status >= 500 || r.status === 429))
  if (retryFailed) return false
  const kind = typeof r.error?.code === 'string' ? kindOfCode(r.error.code) : undefined
  return kind === 'caller' || kind === 'config'
}

export interface Resume {
  /** Ids whose last record is final. */
  done: Set<string>
  /** Those of `done` whose final record is a failure (a rerun skips them; they still failed). */
  failed: Set<string>
  /** The file ends inside a line (a write cut by a kill): the next record must start a new one. */
  cutLine: boolean
}

function endsCut (path: string): boolean {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    if (size === 0) return false
    const last = Buffer.alloc(1)
    readSync(fd, last, 0, 1, size - 1)
    return last[0] !== 10
  } finally {
    closeSync(fd)
  }
}

/** What `path` records as done; undefined when `stop()` (asked between lines: a Ctrl-C) cut the read. */
export async function readResume (
  path: string, retryFailed: boolean, stop: () => boolean = () => false
): Promise<Resume | undefined> {
  const done = new Set<string>()
  const failed = new Set<string>()
  if (!existsSync(path)) return { done, failed, cutLine: false }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  for await (const line of lines) {
    if (stop()) return undefined
    let r: Recorded
    try {
      r = JSON.parse(line) as Recorded
    } catch {
      continue // a line cut by a kill: its call is redone
    }
    if (typeof r.id !== 'string') continue
    if (isFinal(r, retryFailed)) done.add(r.id)
    else done.delete(r.id)
    if (isFailure(r)) failed.add(r.id)
    else failed.delete(r.id)
  }
  for (const id of failed) if (!done.has(id)) failed.delete(id)
  return { done, failed, cutLine: endsCut(path) }
}
