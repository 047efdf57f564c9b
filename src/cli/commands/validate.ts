import { CONFIG_FLAG, HELP_FLAG, configPath, type Command } from '../command.js'
import { commandArgs } from '../help.js'

export const validate: Command = {
  name: 'validate',
  summary: 'Check a config file: prints "ok" (exit 0) or every error with file:line:col (exit 1)',
  usage: 'validate [-c] FILE',
  flags: [CONFIG_FLAG, HELP_FLAG],
  async run (argv) {
    const parsed = commandArgs(this, argv, 1)
    if (parsed === undefined) return 0
    const file = configPath(parsed, 'validate')
    const { validateCommand } = await import('../../config/validate-command.js')
    const { ok, output, warnings } = await validateCommand(file)
    for (const w of warnings ?? []) process.stderr.write(`${w}\n`)
    const text = output.endsWith('\n') ? output : `${output}\n`
    if (ok) process.stdout.write(text)
    else process.stderr.write(text)
    return ok ? 0 : 1
  },
}
