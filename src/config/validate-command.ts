// The logic of `sluice validate FILE` (the CLI prints `output` and exits non-zero unless `ok`),
// and of POST /admin/validate, which checks a config sent as text the same way.
import { ConfigError } from '../errors.js'
import type { Env } from './env.js'
import { loadConfigFile, loadConfigText } from './load.js'

export interface ValidateResult {
  ok: boolean
  /** `ok`, or every error, one per line. */
  output: string
  /** Present when the file loads with warnings (`warning: file:line:col path: message`). */
  warnings?: string[]
}

export function validateCommand (file: string, env: Env = process.env): Promise<ValidateResult> {
  return validating((warn) => loadConfigFile(file, env, warn))
}

/** As validateCommand, for text in memory; `file` names it in error positions. */
export function validateText (text: string, file: string, env: Env = process.env): Promise<ValidateResult> {
  return validating(async (warn) => loadConfigText(text, file, env, warn))
}

async function validating (load: (warn: (line: string) => void) => Promise<unknown>): Promise<ValidateResult> {
  const warnings: string[] = []
  const withWarnings = (r: ValidateResult): ValidateResult => warnings.length > 0 ? { ...r, warnings } : r
  try {
    await load((line) => warnings.push(`warning: ${line}`))
    return withWarnings({ ok: true, output: 'ok' })
  } catch (err) {
    if (err instanceof ConfigError) return withWarnings({ ok: false, output: err.issues.join('\n') })
    throw err
  }
}
