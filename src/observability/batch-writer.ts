// Log lines leave the process in large batches, each one write, from buffers that are reused once
// their write is done. Measured in the gateway (1 KiB responses, one core), against handing
// sonic-boom a fresh buffer per batch: 2.1 instead of 3.5 µs of CPU a line. A fresh 320 KiB buffer
// per batch meant new pages to fault in and cache lines never seen before for every line written
// into it. Lines are written into the open batch by their producers (the access log encodes
// straight into it; pino's own lines are encoded on arrival), so every byte is copied once before
// the kernel takes it.
//
// Writes are asynchronous (libuv's pool), one at a time and in order. A full pipe (EAGAIN) is
// retried; a destination that cannot keep up costs memory only up to a bound, past which lines are
// dropped, counted, and the count logged once the queue has drained.

import { openSync, write, writeSync } from 'node:fs'

/** A batch this large is written at once; one write costs the process ~100 µs however small it is. */
export const BATCH_BYTES = 256 * 1024
/** The longest a line waits in its batch. */
export const FLUSH_MS = 100
/** Room past the batch size, so the line that fills a batch still fits. */
const LINE_ROOM = 64 * 1024
/** Batches waiting for a slow destination (16 MiB) before new ones are dropped. */
const MAX_QUEUED = 64
/** Spare buffers kept for reuse; more are left to the GC. */
const KEEP_FREE = 4
/** How long a write that found the pipe full waits before it tries again. */
const RETRY_MS = 10
/** At exit a full pipe is retried this many times (RETRY_MS apart), then what is left is dropped. */
const EXIT_RETRIES = 100

/** A file descriptor (written asynchronously), or a function that takes each batch and keeps a copy. */
export type Sink = number | ((chunk: Buffer) => void)

export interface BatchWriterOptions {
  batchBytes?: number
  maxQueued?: number
  /** Where a failing destination is reported, once per spell of failures [stderr]. */
  report?: (message: string) => void
}

interface Batch { readonly buf: Buffer, readonly end: number, off: number }

export class BatchWriter {
  readonly #sink: Sink
  readonly #batchBytes: number
  readonly #bufferBytes: number
  readonly #maxQueued: number
  readonly #report: (message: string) => void
  #buf: Buffer
  #used = 0
  /** Batches handed off; the first is being written when #writing. */
  readonly #queue: Batch[] = []
  readonly #free: Buffer[] = []
  #writing = false
  #timer: NodeJS.Timeout | undefined = undefined
  #dropped = 0
  #failing = false
  readonly #waiters: Array<(err?: Error) => unknown> = []
  readonly #onWritten = (err: NodeJS.ErrnoException | null, n: number): void => { this.#written(err, n) }
  readonly #retry = (): void => { this.#writeFirst() }
  readonly #flushLater = (): void => { this.#timer = undefined; this.#handOff() }

  constructor (sink: Sink, options: BatchWriterOptions = {}) {
    this.#sink = sink
    this.#batchBytes = options.batchBytes ?? BATCH_BYTES
    this.#bufferBytes = this.#batchBytes + LINE_ROOM
    this.#maxQueued = options.maxQueued ?? MAX_QUEUED
    this.#report = options.report ?? reportOnStderr
    this.#buf = Buffer.allocUnsafeSlow(this.#bufferBytes)
  }

  /** Where the next line starts in the buffer `reserve` returns. */
  get used (): number { return this.#used }

  /**
   * The open batch's buffer, with at least `bytes` free from `used`. Write the line there, then
   * `commit` its end.
   */
  reserve (bytes: number): Buffer {
    if (this.#used + bytes > this.#buf.length) {
      this.#handOff()
      // A line longer than a whole buffer (a path of 50,000 characters) gets a batch of its own.
      if (bytes > this.#buf.length) {
        this.#recycle(this.#buf)
        this.#buf = Buffer.allocUnsafeSlow(bytes)
      }
    }
    return this.#buf
  }

  commit (end: number): void {
    this.#used = end
    if (end >= this.#batchBytes) {
      this.#handOff()
    } else if (this.#timer === undefined) {
      // A real timer, not an injected clock: this is write batching, not request timing, and a
      // test's manual clock must not hold lines back. Unref'd: a pending batch keeps no process up.
      this.#timer = setTimeout(this.#flushLater, FLUSH_MS)
      this.#timer.unref()
    }
  }

  /** pino's own lines. */
  write (line: string): boolean {
    const buf = this.reserve(3 * line.length)
    this.commit(this.#used + buf.write(line, this.#used))
    return true
  }

  /** Hands the open batch on now; `cb` runs once everything handed on so far is written. */
  flush (cb?: (err?: Error) => unknown): void {
    this.#handOff()
    if (cb === undefined) return
    if (this.#writing || this.#queue.length > 0) this.#waiters.push(cb)
    else process.nextTick(cb)
  }

  /**
   * Writes what is queued synchronously (the process is exiting). A batch whose asynchronous write
   * is already under way is left to it: writing it here too could write it twice.
   */
  flushSync (): void {
    const sink = this.#sink
    // A function sink takes each batch synchronously anyway.
    if (typeof sink === 'function') return this.#handOff()
    this.#close()
    const first = this.#writing ? 1 : 0
    while (this.#queue.length > first) {
      const b = this.#queue.splice(first, 1)[0]!
      for (let tries = 0; b.off < b.end;) {
        try {
          b.off += writeSync(sink, b.buf, b.off, b.end - b.off)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || ++tries > EXIT_RETRIES) break
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS)
        }
      }
    }
  }

  /** Ends the open batch and queues it; the buffer it came from is replaced. */
  #close (): boolean {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#used === 0) return false
    const batch: Batch = { buf: this.#buf, end: this.#used, off: 0 }
    this.#buf = this.#free.pop() ?? Buffer.allocUnsafeSlow(this.#bufferBytes)
    this.#used = 0
    if (this.#queue.length >= this.#maxQueued) {
      this.#dropped += countLines(batch)
      this.#recycle(batch.buf)
      return false
    }
    this.#queue.push(batch)
    return true
  }

  #handOff (): void {
    if (!this.#close() || this.#writing) return
    if (typeof this.#sink === 'function') {
      // The function keeps a copy of what it is given (a string, say), so the buffer is free at once.
      for (const b of this.#queue.splice(0)) {
        this.#sink(b.buf.subarray(b.off, b.end))
        this.#recycle(b.buf)
      }
      this.#settled()
      return
    }
    this.#writing = true
    this.#writeFirst()
  }

  #writeFirst (): void {
    const b = this.#queue[0]!
    write(this.#sink as number, b.buf, b.off, b.end - b.off, null, this.#onWritten)
  }

  #written (err: NodeJS.ErrnoException | null, n: number): void {
    const b = this.#queue[0]!
    if (err === null) {
      b.off += n
      this.#failing = false
    } else if (err.code === 'EAGAIN') {
      // A non-blocking pipe whose reader is behind: wait for it. #writing stays set, so the
      // batches behind this one wait too and keep their order.
      setTimeout(this.#retry, RETRY_MS)
      return
    } else {
      if (!this.#failing) this.#report(`sluice: log lines dropped: writing to fd ${String(this.#sink)} failed (${err.code ?? err.message})`)
      this.#failing = true
      this.#dropped += countLines(b)
      b.off = b.end
    }
    if (b.off < b.end) return this.#writeFirst()
    this.#queue.shift()
    this.#recycle(b.buf)
    if (this.#queue.length > 0) return this.#writeFirst()
    this.#writing = false
    this.#settled()
  }

  /** Everything handed on is written: tell the waiters, and say what was dropped. */
  #settled (): void {
    if (this.#dropped > 0 && !this.#failing) {
      const dropped = this.#dropped
      this.#dropped = 0
      this.write(`{"level":40,"time":${Date.now()},"dropped":${dropped},"msg":"log lines dropped: the log destination did not keep up"}\n`)
    }
    for (const cb of this.#waiters.splice(0)) cb()
  }

  #recycle (buf: Buffer): void {
    if (buf.length === this.#bufferBytes && this.#free.length < KEEP_FREE) this.#free.push(buf)
  }
}

function countLines (b: Batch): number {
  let n = 0
  for (let i = b.off; i < b.end; i++) if (b.buf[i] === 0x0a) n++
  return n
}

function reportOnStderr (message: string): void {
  try { writeSync(2, message + '\n') } catch { /* stderr is gone too: nothing left to tell */ }
}

const writers = new Map<number | string, BatchWriter>()

/**
 * The writer for a file descriptor (stdout is 1) or a file path (opened for appending), one per
 * process, so every logger writing there shares its batches and their order. What is still
 * queued is written synchronously on exit.
 */
export function logWriter (dest: number | string): BatchWriter {
  let writer = writers.get(dest)
  if (writer === undefined) {
    const w = new BatchWriter(typeof dest === 'number' ? dest : openSync(dest, 'a'))
    process.on('exit', () => { w.flushSync() })
    writers.set(dest, writer = w)
  }
  return writer
}
