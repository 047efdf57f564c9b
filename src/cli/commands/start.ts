import { CONFIG_FLAG, HELP_FLAG, configPath as configPathOf, type Command } from '../command.js'
import { commandArgs } from '../help.js'
import { shutdownSignal } from '../signals.js'
import type { GatewayConfig } from '../../config/schema/index.js'

export const start: Command = {
  name: 'start',
  summary: 'Run the gateway (and its admin listener) from a config file until SIGTERM/SIGINT',
  usage: 'start [-c] FILE',
  flags: [CONFIG_FLAG, HELP_FLAG],
  async run (argv) {
    const parsed = commandArgs(this, argv, 1)
    if (parsed === undefined) return 0
    const configPath = configPathOf(parsed, 'start')
    const { loadConfigFile } = await import('../../config/load.js')
    const config = await loadConfigFile(configPath, process.env, (line) => process.stderr.write(`sluice: warning: ${line}\n`))
    const { workerCount } = await import('../../gateway/cluster.js')
    const workers = workerCount(config)
    if (workers > 1) return runCluster(configPath, config, workers)
    return serveUntilSignal(configPath, config)
  },
}

async function runCluster (configPath: string, config: GatewayConfig, workers: number): Promise<number> {
  const { runClustered } = await import('../../gateway/cluster.js')
  const cluster = (await import('node:cluster')).default
  if (cluster.isWorker) {
    await runClustered(configPath, workers, async (path) => { await serveUntilSignal(path, undefined, true) })
    return 0
  }
  // The primary supervises workers and owns the admin listener, so scrapes see every worker and
  // a reload reaches them all (admin/cluster.ts).
  const { createAdminServer } = await import('../../admin/server.js')
  const { createClusterAdminTarget } = await import('../../admin/cluster.js')
  const target = createClusterAdminTarget()
  const { keyAdminFor } = await import('../../admin/keys.js')
  const { dirname } = await import('node:path')
  const keys = keyAdminFor(config, dirname(configPath), () => config.consumers ?? {})
  const admin = createAdminServer(config.admin, { target, keys: keys?.admin })
  const addr = await admin.listen()
  process.stderr.write(`sluice primary ${process.pid}: ${workers} workers, admin http://${addr.host}:${addr.port}\n`)
  await runClustered(configPath, workers, async () => {}, { onStopping: () => target.stopping() })
  await admin.close()
  await keys?.close()
  return 0
}

async function serveUntilSignal (configPath: string, config?: GatewayConfig, worker = false): Promise<number> {
  const { serve } = await import('../serve.js')
  // A Ctrl-C reaches a worker twice (from the terminal, then forwarded by the primary); only a
  // lone process treats a second signal as "stop waiting".
  const signal = shutdownSignal({ forceOnSecond: !worker })
  const running = await serve({ configPath, ...(config ? { config } : {}), clusterWorker: worker })
  running.logger.info({ signal: await signal }, 'draining')
  await running.stop()
  return 0
}
