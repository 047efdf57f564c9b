import { checkGatewayConfig } from './check.js'
import type { Env } from './env.js'
import { loadYamlFile, loadYamlText } from './load-yaml.js'
import type { Warn } from './load-yaml.js'
import { GatewayConfigSchema } from './schema/index.js'
import type { GatewayConfig } from './schema/index.js'

export { loadYamlFile, loadYamlText } from './load-yaml.js'
export type { Check, Report, Warn } from './load-yaml.js'

/**
 * Reads, validates, cross-checks and deep-freezes a gateway config; throws ConfigError. `warn`
 * hears what loads but is probably a mistake (a timeout of `5` is 5 ms).
 */
export function loadConfigFile (path: string, env: Env = process.env, warn?: Warn): Promise<GatewayConfig> {
  return loadYamlFile(path, GatewayConfigSchema, checkGatewayConfig, env, warn)
}

/** As loadConfigFile, for text already in memory; `file` names it in error positions. */
export function loadConfigText (text: string, file: string, env: Env = process.env, warn?: Warn): GatewayConfig {
  return loadYamlText(text, file, GatewayConfigSchema, checkGatewayConfig, env, warn)
}
