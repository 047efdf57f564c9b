import { resolve } from 'node:path'
import type { FlagSpec } from './args.js'
import { UsageError } from '../errors.js'

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

/** The config file of a command that takes `-c FILE` (or SLUICE_CONFIG), as an absolute path. */
export function configPath (flags: Readonly<Record<string, unknown>>, command: string): string {
  const file = flags.config ?? process.env.SLUICE_CONFIG
  if (typeof file !== 'string' || file === '') {
    throw new UsageError(`${command} needs a config file: -c FILE or SLUICE_CONFIG=FILE`)
  }
  return resolve(file)
}
