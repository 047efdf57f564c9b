// The logic of `sluice validate FILE`; the CLI prints `output` and exits non-zero unless `ok`.
import { ConfigError } from '../errors.js'
import { loadConfigFile } from './load.js'

export interface ValidateResult {
  ok: boolean
  /** `ok`, or every error, one per line. */
  output: string
  /** Present when the file loads with warnings (`warning: file:line:col path: message`). */
  warnings?: string[]
}

export async function validateCommand (file: string): Promise<ValidateResult> {
  const warnings: string[] = []
  const withWarnings = (r: ValidateResult): ValidateResult => warnings.length > 0 ? { ...r, warnings } : r
  try {
    await loadConfigFile(file, process.env, (line) => warnings.push(`warning: ${line}`))
    return withWarnings({ ok: true, output: 'ok' })
  } catch (err) {
    if (err instanceof ConfigError) return withWarnings({ ok: false, output: err.issues.join('\n') })
    throw err
  }
}
