// Files shipped with the package (package.json, examples/) are found relative to this module, not
// the working directory, so `npx sluice demo` works from anywhere. This file sits two levels below
// the package root both as src/cli/*.ts (tsx) and as dist/cli/*.js (built).

import { fileURLToPath } from 'node:url'

const ROOT = new URL('../../', import.meta.url)

/** Absolute path of `relative` inside the installed package. */
export function packageFile (relative: string): string {
  return fileURLToPath(new URL(relative, ROOT))
}

export { packageVersion } from '../version.js'
