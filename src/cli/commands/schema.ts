import { HELP_FLAG, type Command } from '../command.js'
import { commandFlags } from '../help.js'

export const schema: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of the gateway config (for editors and CI)',
  usage: 'schema',
  flags: [HELP_FLAG],
  async run (argv) {
    const flags = commandFlags(this, argv)
    if (flags === undefined) return 0
    const { gatewayJsonSchema } = await import('../../config/json-schema.js')
    process.stdout.write(`${JSON.stringify(gatewayJsonSchema(), null, 2)}\n`)
    return 0
  },
}
