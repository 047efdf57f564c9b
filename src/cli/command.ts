import { resolve } from 'node:path'
import type { FlagSpec, ParsedArgs } from './args.js'
import { UsageError } from '../errors.js'

/** One `sluice <name>` subcommand. `run` gets the words after the name and returns the exit code. */
export interface Command {
  readonly name: string
  readonly summary: string
  /** One usage line without the leading `sluice `, e.g. `start -c FILE`. */
  readonly usage: string
  readonly flags: readonly FlagSpec[]
  /** Paragraphs shown after the options in `--help` (input format, exit status…). */
  readonly details?: string
  run (argv: readonly string[]): Promise<number>
}

export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'Show this help' }

export const CONFIG_FLAG: FlagSpec = {
  name: 'config', short: 'c', type: 'string', valueName: 'FILE', description: 'Gateway config file (YAML); default: $SLUICE_CONFIG',
}

/**
 * The config file of a command that takes `-c FILE`, a bare `FILE` or SLUICE_CONFIG, as an
 * absolute path. The flag and the word together are refused rather than one silently winning.
 */
export function configPath (parsed: ParsedArgs, command: string): string {
  const flag = parsed.flags.config
  const word = parsed.positionals[0]
  if (typeof flag === 'string' && word !== undefined) {
    throw new UsageError(`${command} takes one config file: -c ${flag} or ${word}, not both`)
  }
  const file = flag ?? word ?? process.env.SLUICE_CONFIG
  if (typeof file !== 'string' || file === '') {
    throw new UsageError(`${command} needs a config file: sluice ${command} FILE, -c FILE or SLUICE_CONFIG=FILE`)
  }
  return resolve(file)
}
