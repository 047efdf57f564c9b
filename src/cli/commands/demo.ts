import type { FlagSpec } from '../args.js'
import { HELP_FLAG, type Command } from '../command.js'
import { commandFlags } from '../help.js'
import { UsageError } from '../../errors.js'
import { shutdownSignal } from '../signals.js'

const PORT_FLAGS: FlagSpec[] = [
  { name: 'port', short: 'p', type: 'string', valueName: 'PORT', description: 'Gateway port (default 8080, or a free one)' },
  { name: 'admin-port', type: 'string', valueName: 'PORT', description: 'Admin port (default 9901, or a free one)' },
  {
    name: 'upstreams-only',
    type: 'boolean',
    description: 'Only the example services, on 127.0.0.1:9001-9004, for examples/*.yaml (no gateway)',
  },
]

function port (value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${flag} must be a port number (0-65535), got "${String(value)}"`)
  return n
}

export const demo: Command = {
  name: 'demo',
  summary: 'Start two example services and a gateway in front of them; prints URLs and curl commands',
  usage: 'demo [--port PORT] [--admin-port PORT] | demo --upstreams-only',
  flags: [...PORT_FLAGS, HELP_FLAG],
  async run (argv) {
    const flags = commandFlags(this, argv)
    if (flags === undefined) return 0
    if (flags['upstreams-only'] === true) return upstreamsOnly()
    const gatewayPort = port(flags.port, 'port')
    const adminPort = port(flags['admin-port'], 'admin-port')
    const { startDemo, demoBanner } = await import('../../demo/demo.js')
    const signal = shutdownSignal()
    const running = await startDemo({
      ...(gatewayPort !== undefined ? { port: gatewayPort } : {}),
      ...(adminPort !== undefined ? { adminPort } : {}),
    })
    process.stdout.write(demoBanner(running))
    await signal
    process.stdout.write('\nStopping the demo...\n')
    await running.stop()
    return 0
  },
}

async function upstreamsOnly (): Promise<number> {
  const { startExampleUpstreams } = await import('../../demo/services.js')
  const signal = shutdownSignal()
  const upstreams = await startExampleUpstreams()
  const list = upstreams.urls.map(({ name, url }) => `  ${name.padEnd(9)}${url}`).join('\n')
  process.stdout.write(`Example services for examples/*.yaml:\n${list}\n` +
    'Start a gateway in another terminal: npx sluice start examples/gateway.yaml\nPress Ctrl-C to stop.\n')
  await signal
  process.stdout.write('\nStopping the example services...\n')
  await upstreams.close()
  return 0
}
