import type { FlagSpec } from './args.js'

/** One `sluice <name>` subcommand. `run` gets the words after the name and returns the exit code. */
export interface Command {
  readonly name: string
  readonly summary: string
  /** One usage line without the leading `sluice `, e.g. `start -c FILE`. */
  readonly usage: string
  readonly flags: readonly FlagSpec[]
  run (argv: readonly string[]): Promise<number>
}

export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'Show this help' }

export const CONFIG_FLAG: FlagSpec = {
  name: 'config', short: 'c', type: 'string', valueName: 'FILE', description: 'Gateway config file (YAML)',
}
