// `sluice <command>`: picks the command, turns usage errors into exit 2 and config errors into
// exit 1 with every located issue, so scripts can tell "you called me wrong" from "your file is wrong".

import { ConfigError, SluiceError, UsageError } from '../errors.js'
import { didYouMean } from '../config/hint.js'
import type { Command } from './command.js'
import { mainHelp } from './help.js'
import { packageVersion } from './package-files.js'
import { start } from './commands/start.js'
import { validate } from './commands/validate.js'
import { schema } from './commands/schema.js'
import { demo } from './commands/demo.js'
import { dispatch } from './commands/dispatch.js'
import { keys } from './commands/keys.js'

export const COMMANDS: readonly Command[] = [start, validate, schema, demo, dispatch, keys]

export async function main (argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const cmd = COMMANDS.find((c) => c.name === rest[0])
      // Each command renders its own --help (dispatch has its own parser).
      if (cmd) return await cmd.run(['--help'])
      process.stdout.write(mainHelp(COMMANDS, packageVersion()))
      return 0
    }
    if (first === '--version' || first === '-v') {
      process.stdout.write(`${packageVersion()}\n`)
      return 0
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option ${first}`)
    const cmd = COMMANDS.find((c) => c.name === first)
    if (!cmd) {
      const names = COMMANDS.map((c) => c.name)
      throw new UsageError(`unknown command "${first}"${didYouMean(first, names)} (commands: ${names.join(', ')})`)
    }
    return await cmd.run(rest)
  } catch (err) {
    return report(err, first)
  }
}

function report (err: unknown, command: string | undefined): number {
  if (err instanceof UsageError) {
    const more = command && COMMANDS.some((c) => c.name === command) ? `sluice ${command} --help` : 'sluice --help'
    process.stderr.write(`sluice: ${err.message}\nRun '${more}' for usage.\n`)
    return 2
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.issues.join('\n')}\n`)
    return 1
  }
  if (SluiceError.is(err)) {
    process.stderr.write(`sluice: ${err.message} (${err.code})\n`)
    return 1
  }
  // System errors (a port in use, a file not readable) say everything in their message; a stack
  // is only useful for the unexpected.
  const system = err instanceof Error && 'syscall' in err
  process.stderr.write(`sluice: ${err instanceof Error ? (system ? err.message : (err.stack ?? err.message)) : String(err)}\n`)
  return 1
}
