import { dirname, resolve } from 'node:path'
import { CONFIG_FLAG, HELP_FLAG, type Command } from '../command.js'
import { commandArgs } from '../help.js'
import { UsageError } from '../../errors.js'

const VERBS = ['create', 'list', 'revoke', 'rotate']

export const keys: Command = {
  name: 'keys',
  summary: 'Manage API keys in the config\'s auth.apiKeys store: create, list, revoke, rotate',
  usage: 'keys create --consumer ID [--scopes A,B] [--expires 90d] [--name N] | list | revoke ID | ' +
    'rotate ID [--grace 24h]  (each with -c FILE)',
  flags: [
    CONFIG_FLAG,
    { name: 'consumer', type: 'string', valueName: 'ID', description: 'create: the consumer (a key of consumers:)' },
    { name: 'scopes', type: 'string', valueName: 'A,B', description: 'create: scopes, comma-separated (default: the consumer\'s)' },
    { name: 'expires', type: 'string', valueName: 'DURATION', description: 'create: lifetime such as 90d (default: never)' },
    { name: 'name', type: 'string', valueName: 'NAME', description: 'create: a label, e.g. ci' },
    { name: 'grace', type: 'string', valueName: 'DURATION', description: 'rotate: how long the old key keeps working (default 24h)' },
    HELP_FLAG,
  ],
  async run (argv) {
    const parsed = commandArgs(this, argv, 2)
    if (parsed === undefined) return 0
    const [verb, id] = parsed.positionals
    if (verb === undefined || !VERBS.includes(verb)) {
      throw new UsageError(`keys needs a verb: ${VERBS.join(', ')}${verb === undefined ? '' : ` (got "${verb}")`}`)
    }
    if ((verb === 'revoke' || verb === 'rotate') && id === undefined) throw new UsageError(`keys ${verb} needs a key id`)
    if ((verb === 'create' || verb === 'list') && id !== undefined) throw new UsageError(`unexpected argument "${id}"`)
    const file = parsed.flags.config ?? process.env.SLUICE_CONFIG
    if (typeof file !== 'string' || file === '') throw new UsageError('keys needs the config file: -c FILE or SLUICE_CONFIG=FILE')
    const path = resolve(file)
    const { runKeys } = await import('../keys.js')
    return runKeys(verb, id, parsed.flags, path, dirname(path))
  },
}
