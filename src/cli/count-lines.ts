// Counts the lines of a file as a stream (an input can hold millions of requests), for the
// progress bar's total. Counting a large file takes a while: `stop` is asked between chunks, so a
// Ctrl-C during the count ends it at once instead of after the whole file has been read.

import { createReadStream } from 'node:fs'

/** Lines in `path` (a last line without its newline counts); undefined when `stop()` cut the count. */
export async function countLines (path: string, stop: () => boolean = () => false): Promise<number | undefined> {
  let n = 0
  let last = 10
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    if (stop()) return undefined
    for (const b of chunk) if (b === 10) n++
    last = chunk[chunk.length - 1] ?? last
  }
  return last === 10 ? n : n + 1
}
