import type { FlagSpec } from '../args.js'
import { HELP_FLAG, type Command } from '../command.js'
import { commandFlags } from '../help.js'
import { UsageError } from '../../errors.js'

const FLAGS: FlagSpec[] = [
  { name: 'config', short: 'c', type: 'string', valueName: 'FILE', description: 'Suppliers file (YAML, see docs/config.md)' },
  { name: 'input', short: 'i', type: 'string', valueName: 'FILE', description: 'Requests, one JSON object per line' },
  { name: 'output', short: 'o', type: 'string', valueName: 'FILE', description: 'Results, appended one JSON object per line' },
  { name: 'window', short: 'w', type: 'string', valueName: 'N', description: 'Requests handed to the dispatcher at once [500]' },
  { name: 'retry-failed', short: 'r', type: 'boolean', description: 'Also redo ids whose result is an error or a 5xx/429 answer' },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'No progress output' },
  HELP_FLAG,
]

const DETAILS = `Input: one JSON object per line, with the fields "id", "supplier", "path", and optionally
"method", "query", "headers", "body", "priority", "timeout", "idempotent". Any other field, or an
id used twice, is reported as an error record.

Output: one JSON object per id, appended as soon as it is known: {"id", "supplier", "status",
"headers", "body", "attempts", ...} for an answer, {"id", "error": {"code", "message"}} when there
is none. When an id has several records, the last one counts (docs/dispatch.md).

Resuming: a rerun skips every id whose result is final: an answer, or an error that is the
request's own (bad line, unknown supplier, invalid options). Failures that may pass (supplier
unreachable, timeout, full queue) are sent again; --retry-failed also redoes error answers and
final errors. Ctrl-C stops sending at once and lets calls in flight finish (up to 10s); a second
Ctrl-C quits. A call cut by a kill or Ctrl-C has no result yet and is sent again by the rerun: a
POST may reach the supplier twice unless it carries an Idempotency-Key the supplier honours.

Exit status: 0 when every id has a result and none failed; 1 when any id failed (an error record,
or a 5xx or 429 answer: what --retry-failed redoes) or a file could not be read; 2 on a usage
error; 130 when interrupted (rerun the same command to resume).
`

function window (value: string | boolean | undefined): number {
  if (value === undefined) return 500
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--window must be a whole number of requests, at least 1, got "${String(value)}"`)
  return n
}

export const dispatch: Command = {
  name: 'dispatch',
  summary: 'Send a JSONL file of requests through the dispatcher, one result line per id (resumable)',
  usage: 'dispatch -c suppliers.yaml -i requests.jsonl -o results.jsonl',
  flags: FLAGS,
  details: DETAILS,
  async run (argv) {
    const flags = commandFlags(this, argv)
    if (flags === undefined) return 0
    const { config, input, output } = flags
    if (typeof config !== 'string' || typeof input !== 'string' || typeof output !== 'string') {
      throw new UsageError('dispatch needs -c FILE (suppliers), -i FILE (requests) and -o FILE (results)')
    }
    const { dispatchCommand } = await import('../dispatch.js')
    return dispatchCommand({
      config, input, output, window: window(flags.window), quiet: flags.quiet === true, retryFailed: flags['retry-failed'] === true,
    })
  },
}
