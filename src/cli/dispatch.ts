// `sluice dispatch -c suppliers.yaml -i requests.jsonl -o results.jsonl`: checks what it was given,
// builds the dispatcher from the suppliers file, and runs the input through it (dispatch-run.ts).
// Every message goes to stderr as one line starting `sluice dispatch:`; stdout stays empty.

import { access, stat } from 'node:fs/promises'
import { constants } from 'node:fs'
import { dirname } from 'node:path'
import { loadYamlFile } from '../config/load.js'
import { checkDispatcherConfig } from '../config/check-dispatcher.js'
import { DispatcherConfigSchema } from '../config/schema/dispatcher.js'
import { createDispatcher } from '../dispatcher/dispatcher.js'
import { warningText } from '../core/limiter/store-health.js'
import { runDispatch } from './dispatch-run.js'
import type { DispatchArgs, Say } from './dispatch-run.js'

const REASONS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory' }

function reason (err: unknown): string {
  return REASONS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message
}

/** Why `path` cannot be read as the input, or undefined when it can. */
async function unreadable (path: string): Promise<string | undefined> {
  try {
    await access(path, constants.R_OK)
    if ((await stat(path)).isDirectory()) return REASONS.EISDIR
    return undefined
  } catch (err) {
    return reason(err)
  }
}

/** Why results cannot be appended to `path`, or undefined when they can. */
async function unwritable (path: string): Promise<string | undefined> {
  try {
    await access(dirname(path), constants.W_OK)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : reason(err)
  }
  try {
    if ((await stat(path)).isDirectory()) return REASONS.EISDIR
    await access(path, constants.W_OK)
    return undefined
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : reason(err)
  }
}

export async function dispatchCommand (args: DispatchArgs): Promise<number> {
  const tty = process.stderr.isTTY === true && !args.quiet
  // On a terminal the progress bar is redrawn in place: a message first clears its line.
  const say: Say = line => { process.stderr.write(`${tty ? '\r\x1b[2K' : ''}sluice dispatch: ${line}\n`) }
  // Checked before anything else, so that a mistyped path leaves no empty output file behind.
  const why = await unreadable(args.input)
  if (why !== undefined) {
    say(`cannot read the input file ${args.input}: ${why}`)
    return 1
  }
  const whyNot = await unwritable(args.output)
  if (whyNot !== undefined) {
    say(`cannot write the output file ${args.output}: ${whyNot}`)
    return 1
  }
  let options
  try {
    options = await loadYamlFile(args.config, DispatcherConfigSchema, checkDispatcherConfig)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    return 1
  }
  // The library's own store warnings (Redis unreachable, still unreachable, recovered), as lines of ours.
  const d = createDispatcher({ ...options, logger: { warn: (obj, msg) => say(`warning: ${warningText(obj, msg)}`) } })
  return runDispatch(d, args, { say, tty })
}
