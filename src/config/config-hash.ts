import { createHash } from 'node:crypto'
import { stableKey } from '../core/stable-key.js'

/**
 * A short identity of a config: equal for configs that say the same thing in any key order, so
 * sluice_config_info{hash} changes on a reload only when the config did.
 */
export function configHash (config: unknown): string {
  return createHash('sha256').update(stableKey(config)).digest('hex').slice(0, 16)
}
