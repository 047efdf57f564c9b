// The run of `sluice dispatch`: sends every input line through the dispatcher and appends one
// result line per id. Each result is written with a synchronous append as soon as it is known, so
// a kill loses nothing that finished; a rerun skips what is final in the output
// (dispatch-resume.ts says what is), so it repeats nothing finished.
//
// Ctrl-C stops sending at once, whatever is left of the input: reading stops, and the dispatcher
// refuses what is queued (close with drain 'in-flight'), so only attempts already on the wire may
// finish, for up to 10 s. A second Ctrl-C quits. A call in flight when the run is killed (or still
// running when the 10 s end) has no result yet: the rerun sends it again, so a non-idempotent POST
// may reach the supplier twice. Give such calls an Idempotency-Key header if the supplier honours one.

import { closeSync, createReadStream, openSync, writeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Dispatcher } from '../dispatcher/dispatcher.js'
import type { DispatchResponse } from '../dispatcher/response.js'
import { SluiceError } from '../errors.js'
import { lineId, parseLine } from './dispatch-input.js'
import type { InputLine } from './dispatch-input.js'
import { startProgress, summaryTable, tally } from './dispatch-progress.js'
import type { ProgressState } from './dispatch-progress.js'
import { isFailure, readResume } from './dispatch-resume.js'
import { countLines } from './count-lines.js'

export interface DispatchArgs {
  config: string
  input: string
  output: string
  /** Requests handed to the dispatcher at once. */
  window: number
  quiet: boolean
  retryFailed: boolean
}

/** Prints one message line (prefixed `sluice dispatch: `) on stderr. */
export type Say = (line: string) => void

const STOP_WAIT = '10s'

function encodeBody (res: DispatchResponse): { body: string, bodyEncoding?: 'base64' } {
  const text = res.body.toString('utf8')
  return Buffer.from(text, 'utf8').equals(res.body) ? { body: text } : { body: res.body.toString('base64'), bodyEncoding: 'base64' }
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`

export async function runDispatch (d: Dispatcher, o: DispatchArgs, io: { say: Say, tty: boolean }): Promise<number> {
  const { say } = io
  let interrupted = false
  const inFlightNow = (): number => Object.values(d.metrics()).reduce((n, m) => n + m.inFlight, 0)
  const onSigint = (): void => {
    if (interrupted) {
      say('quit: calls still in flight have no result; rerun the same command to send them again')
      process.exit(130)
    }
    interrupted = true
    say(`interrupted: sending stopped; waiting up to ${STOP_WAIT} for ${plural(inFlightNow(), 'call')} in flight (Ctrl-C again to quit now)`)
    d.close({ drain: 'in-flight', timeout: STOP_WAIT }).catch(() => {})
  }
  process.on('SIGINT', onSigint)
  try {
    return await send(d, o, io, () => interrupted)
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
}

async function send (
  d: Dispatcher, o: DispatchArgs, io: { say: Say, tty: boolean }, interrupted: () => boolean
): Promise<number> {
  const resume = await readResume(o.output, o.retryFailed, interrupted)
  const total = resume === undefined ? undefined : await countLines(o.input, interrupted)
  if (resume === undefined || total === undefined) {
    io.say('stopped before sending anything; rerun the same command to start')
    return 130
  }
  const { done, failed: failedBefore, cutLine } = resume
  const st: ProgressState = {
    total,
    done: 0,
    skipped: 0,
    errors: 0,
    startedAt: performance.now(),
    perSupplier: new Map(),
  }
  const out = openSync(o.output, 'a')
  if (cutLine) writeSync(out, '\n')
  const write = (record: object): void => { writeSync(out, JSON.stringify(record) + '\n') }
  const progress = o.quiet ? undefined : startProgress(st, { tty: io.tty, write: s => process.stderr.write(s) })
  /** Ids of this input whose result (written now, or skipped from an earlier run) is a failure. */
  let failed = 0

  const inFlight = new Set<Promise<void>>()
  const call = (line: InputLine): Promise<void> => {
    const t = tally(st, line.request.supplier)
    return d.request(line.request).then(res => {
      write({
        id: line.id,
        supplier: line.request.supplier,
        status: res.status,
        headers: res.headers,
        ...encodeBody(res),
        attempts: res.attempts,
        durationMs: Math.round(res.durationMs),
        queuedMs: Math.round(res.queuedMs),
        fromCache: res.fromCache,
      })
      t.done++
      t.totalMs += res.durationMs
      if (res.status < 400) t.ok++
      else t.httpErrors++
      if (isFailure({ status: res.status })) failed++
      st.done++
    }, (err: unknown) => {
      const code = SluiceError.is(err) ? err.code : 'SLC_INTERNAL'
      // Work refused because we are stopping has not been done: leave it for the resumed run.
      if (code === 'SLC_SHUTTING_DOWN') return
      write({ id: line.id, supplier: line.request.supplier, error: { code, message: (err as Error).message } })
      t.done++
      t.errors++
      st.done++
      st.errors++
      failed++
    })
  }

  let lineNo = 0
  // Where each id of this input was first seen, to report a second use by both line numbers.
  const firstLine = new Map<string, number>()
  const reject = (id: string, message: string): void => {
    write({ id, line: lineNo, error: { code: 'SLC_BAD_REQUEST', message } })
    st.done++
    st.errors++
    failed++
  }
  const skip = (id: string): void => {
    st.skipped++
    if (failedBefore.has(id)) failed++
  }
  const rl = createInterface({ input: createReadStream(o.input), crlfDelay: Infinity })
  for await (const text of rl) {
    lineNo++
    if (interrupted()) break
    if (text.trim() === '') continue
    const parsed = parseLine(text, lineNo)
    const first = firstLine.get(parsed.id)
    if (first !== undefined) {
      const id = lineId(lineNo)
      if (done.has(id)) skip(id)
      else reject(id, `line ${lineNo}: duplicate id ${JSON.stringify(parsed.id)} (first on line ${first})`)
      continue
    }
    firstLine.set(parsed.id, lineNo)
    if (done.has(parsed.id)) {
      skip(parsed.id)
      continue
    }
    if ('error' in parsed) {
      reject(parsed.id, parsed.error)
      continue
    }
    const p = call(parsed).finally(() => inFlight.delete(p))
    inFlight.add(p)
    while (inFlight.size >= o.window) await Promise.race(inFlight)
  }
  rl.close()
  await d.close({ drain: true, timeout: '1h' })
  await Promise.all(inFlight)
  progress?.stop()
  closeSync(out)
  if (!o.quiet) process.stderr.write(summaryTable(st))
  if (interrupted()) {
    const left = Math.max(0, st.total - st.skipped - st.done)
    io.say(`stopped early: ${plural(left, 'line')} of ${o.input} not done; rerun the same command to resume`)
    return 130
  }
  if (failed > 0) {
    io.say(`${plural(failed, 'id')} failed (an error record, or a 5xx or 429 answer): see ${o.output}; --retry-failed sends them again`)
    return 1
  }
  return 0
}
