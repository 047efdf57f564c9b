// The logic of `sluice validate FILE`; the CLI prints `output` and exits non-zero unless `ok`.
import { ConfigError } from '../errors.js'
import { loadConfigFile } from './load.js'

export async function validateCommand (file: string): Promise<{ ok: boolean, output: string }> {
  try {
    await loadConfigFile(file)
    return { ok: true, output: 'ok' }
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, output: err.issues.join('\n') }
    throw err
  }
}
