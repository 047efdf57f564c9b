// `sluice dispatch -c suppliers.yaml -i requests.jsonl -o results.jsonl`: sends every input line
// through the dispatcher and appends one result line per id. Each result is written with a
// synchronous append as soon as it is known, so a kill loses nothing that finished; a rerun skips
// what is final in the output (dispatch-resume.ts says what is), so it repeats nothing finished.
//
// A call in flight when the run is killed (or still running when Ctrl-C's 10 s drain ends) has no
// result yet: the rerun sends it again, so a non-idempotent POST may reach the supplier twice.
// Give such calls an Idempotency-Key header if the supplier honours one.

import { closeSync, createReadStream, openSync, writeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from './args.js'
import type { FlagSpec } from './args.js'
import { loadYamlFile } from '../config/load.js'
import { checkDispatcherConfig } from '../config/check-dispatcher.js'
import { DispatcherConfigSchema } from '../config/schema/dispatcher.js'
import { createDispatcher } from '../dispatcher/dispatcher.js'
import type { DispatchResponse } from '../dispatcher/response.js'
import { SluiceError } from '../errors.js'
import { lineId, parseLine } from './dispatch-input.js'
import type { InputLine } from './dispatch-input.js'
import { startProgress, summaryTable, tally } from './dispatch-progress.js'
import type { ProgressState } from './dispatch-progress.js'
import { readResume } from './dispatch-resume.js'

const FLAGS: FlagSpec[] = [
  { name: 'config', short: 'c', type: 'string', valueName: 'FILE', description: 'Suppliers file (YAML)' },
  { name: 'input', short: 'i', type: 'string', valueName: 'FILE', description: 'Requests, one JSON object per line' },
  { name: 'output', short: 'o', type: 'string', valueName: 'FILE', description: 'Results, appended one JSON object per line' },
  { name: 'window', short: 'w', type: 'string', valueName: 'N', description: 'Requests handed to the dispatcher at once [500]' },
  { name: 'retry-failed', short: 'r', type: 'boolean', description: 'Also redo ids whose result is an error or a 5xx/429 answer' },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'No progress output' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help' },
]

const HELP = `Usage: sluice dispatch -c suppliers.yaml -i requests.jsonl -o results.jsonl

Each input line: {"id", "supplier", "path", "method", "query", "headers", "body", "priority",
"timeout", "idempotent"}; any other field, or an id used twice, is reported as an error record.
Results are appended to the output, one line per id; when an id has several, the last one counts.
A rerun skips every id whose result is final: an answer, or an error that is the request's own
(bad line, unknown supplier, invalid options). Failures that may pass (supplier unreachable,
timeout, full queue) are sent again; --retry-failed also redoes error answers and final errors.
A call cut by a kill or Ctrl-C has no result yet and is sent again by the rerun: a POST may reach
the supplier twice unless it carries an Idempotency-Key the supplier honours.
${FLAGS.map(f => `  -${f.short}, --${f.name}${f.valueName ? ` ${f.valueName}` : ''}  ${f.description}`).join('\n')}
`

function encodeBody (res: DispatchResponse): { body: string, bodyEncoding?: 'base64' } {
  const text = res.body.toString('utf8')
  return Buffer.from(text, 'utf8').equals(res.body) ? { body: text } : { body: res.body.toString('base64'), bodyEncoding: 'base64' }
}

async function countLines (path: string): Promise<number> {
  let n = 0
  let last = 10
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const b of chunk) if (b === 10) n++
    last = chunk[chunk.length - 1] ?? last
  }
  return last === 10 ? n : n + 1
}

export async function dispatchCommand (argv: string[]): Promise<number> {
  let flags: Record<string, string | boolean | undefined>
  try {
    flags = { ...parseArgs(argv, FLAGS).flags }
  } catch (err) {
    process.stderr.write(`sluice dispatch: ${(err as Error).message}\n${HELP}`)
    return 2
  }
  if (flags.help) {
    process.stdout.write(HELP)
    return 0
  }
  const [config, input, output] = [flags.config, flags.input, flags.output]
  const window = Number(flags.window ?? 500)
  if (typeof config !== 'string' || typeof input !== 'string' || typeof output !== 'string' || !(window >= 1)) {
    process.stderr.write(`sluice dispatch: -c, -i and -o are required\n${HELP}`)
    return 2
  }
  let options
  try {
    options = await loadYamlFile(config, DispatcherConfigSchema, checkDispatcherConfig)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    return 1
  }
  const d = createDispatcher(options)
  return run(d, { input, output, window, quiet: flags.quiet === true, retryFailed: flags['retry-failed'] === true })
}

async function run (
  d: ReturnType<typeof createDispatcher>,
  o: { input: string, output: string, window: number, quiet: boolean, retryFailed: boolean }
): Promise<number> {
  const { done, cutLine } = await readResume(o.output, o.retryFailed)
  const out = openSync(o.output, 'a')
  if (cutLine) writeSync(out, '\n')
  const write = (record: object): void => { writeSync(out, JSON.stringify(record) + '\n') }
  const st: ProgressState = {
    total: await countLines(o.input),
    done: 0,
    skipped: 0,
    errors: 0,
    startedAt: performance.now(),
    perSupplier: new Map(),
  }
  const progress = o.quiet
    ? undefined
    : startProgress(st, { tty: process.stderr.isTTY === true, write: s => process.stderr.write(s) })
  let interrupted = false
  const onSigint = (): void => {
    interrupted = true
    d.close({ drain: true, timeout: '10s' }).catch(() => {})
  }
  process.once('SIGINT', onSigint)

  const inFlight = new Set<Promise<void>>()
  const send = (line: InputLine): Promise<void> => {
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
    })
  }

  let lineNo = 0
  // Where each id of this input was first seen, to report a second use by both line numbers.
  const firstLine = new Map<string, number>()
  const reject = (id: string, message: string): void => {
    write({ id, line: lineNo, error: { code: 'SLC_BAD_REQUEST', message } })
    st.done++
    st.errors++
  }
  const rl = createInterface({ input: createReadStream(o.input), crlfDelay: Infinity })
  for await (const text of rl) {
    lineNo++
    if (interrupted) break
    if (text.trim() === '') continue
    const parsed = parseLine(text, lineNo)
    const first = firstLine.get(parsed.id)
    if (first !== undefined) {
      const id = lineId(lineNo)
      if (done.has(id)) st.skipped++
      else reject(id, `line ${lineNo}: duplicate id ${JSON.stringify(parsed.id)} (first on line ${first})`)
      continue
    }
    firstLine.set(parsed.id, lineNo)
    if (done.has(parsed.id)) {
      st.skipped++
      continue
    }
    if ('error' in parsed) {
      reject(parsed.id, parsed.error)
      continue
    }
    const p = send(parsed).finally(() => inFlight.delete(p))
    inFlight.add(p)
    while (inFlight.size >= o.window) await Promise.race(inFlight)
  }
  rl.close()
  await d.close({ drain: true, timeout: '1h' })
  await Promise.all(inFlight)
  progress?.stop()
  closeSync(out)
  process.removeListener('SIGINT', onSigint)
  if (!o.quiet) process.stderr.write(summaryTable(st))
  return interrupted ? 130 : 0
}
