import { formatFlags, parseArgs, type ParsedArgs } from './args.js'
import type { Command } from './command.js'

export function commandHelp (cmd: Command): string {
  const details = cmd.details === undefined ? '' : `\n${cmd.details.replace(/\n*$/, '\n')}`
  return `Usage: sluice ${cmd.usage}\n\n${cmd.summary}\n\nOptions:\n${formatFlags(cmd.flags)}\n${details}`
}

export function mainHelp (commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2
  const list = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')
  return `sluice ${version}: API gateway and outbound HTTP dispatcher

Usage: sluice <command> [options]

Commands:
${list}

Options:
  -h, --help     Show help (also: sluice <command> --help)
  -v, --version  Print the version

Environment:
  SLUICE_CONFIG  Config file for \`sluice start\` and \`sluice validate\` when -c is not given
`
}

/** Parses a command's flags; on --help prints the command's help and returns undefined (exit 0). */
export function commandFlags (command: Command, argv: readonly string[]): ParsedArgs['flags'] | undefined {
  return commandArgs(command, argv)?.flags
}

/** As commandFlags, for a command that also takes up to `maxPositionals` words. */
export function commandArgs (command: Command, argv: readonly string[], maxPositionals = 0): ParsedArgs | undefined {
  const parsed = parseArgs(argv, command.flags, { maxPositionals })
  if (parsed.flags.help !== true) return parsed
  process.stdout.write(commandHelp(command))
  return undefined
}
