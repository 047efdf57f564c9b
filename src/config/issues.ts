// Collects located issues and renders them as `file:line:col path: message`, in document order.
import type { Document, LineCounter } from 'yaml'
import { formatPath, locate } from './locate.js'
import type { Anchor, ConfigPath, Position } from './locate.js'

interface Entry extends Position { text: string }

export class IssueList {
  readonly #file: string
  readonly #doc: Document
  readonly #counter: LineCounter
  readonly #entries: Entry[] = []
  readonly #seen = new Set<string>()

  constructor (file: string, doc: Document, counter: LineCounter) {
    this.#file = file
    this.#doc = doc
    this.#counter = counter
  }

  get size (): number {
    return this.#entries.length
  }

  /** An issue at a known offset in the text (YAML syntax errors). */
  addAt (offset: number, label: string, message: string): void {
    this.#push(this.#counter.linePos(offset), `${label}: ${message}`)
  }

  /** An issue about `path`, positioned at `at` (defaults to `path`). */
  add (path: ConfigPath, message: string, at: ConfigPath = path, anchor: Anchor = 'value'): void {
    this.#push(locate(this.#doc, this.#counter, at, anchor), `${formatPath(path)}: ${message}`)
  }

  #push (pos: Position, detail: string): void {
    const text = `${this.#file}:${pos.line}:${pos.col} ${detail}`
    if (this.#seen.has(text)) return
    this.#seen.add(text)
    this.#entries.push({ ...pos, text })
  }

  /** Sorted by position; the sort is stable, so issues at one node keep their order. */
  list (): string[] {
    return [...this.#entries].sort((a, b) => a.line - b.line || a.col - b.col).map((e) => e.text)
  }
}
