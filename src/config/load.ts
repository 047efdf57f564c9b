import { checkGatewayConfig } from './check.js'
import type { Env } from './env.js'
import { loadYamlFile, loadYamlText } from './load-yaml.js'
import { GatewayConfigSchema } from './schema/index.js'
import type { GatewayConfig } from './schema/index.js'

export { loadYamlFile, loadYamlText } from './load-yaml.js'
export type { Check, Report } from './load-yaml.js'

/** Reads, validates, cross-checks and deep-freezes a gateway config; throws ConfigError. */
export function loadConfigFile (path: string, env: Env = process.env): Promise<GatewayConfig> {
  return loadYamlFile(path, GatewayConfigSchema, checkGatewayConfig, env)
}

/** As loadConfigFile, for text already in memory; `file` names it in error positions. */
export function loadConfigText (text: string, file: string, env: Env = process.env): GatewayConfig {
  return loadYamlText(text, file, GatewayConfigSchema, checkGatewayConfig, env)
}
