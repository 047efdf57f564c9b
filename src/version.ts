// The package's own version, for the dispatcher's user-agent and `sluice --version`. Read from the
// package.json next to the code, not the working directory's: this file sits one level below the
// package root both as src/version.ts (tsx) and as dist/version.js (built).

import { readFileSync } from 'node:fs'

export function packageVersion (): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }
  return pkg.version ?? '0.0.0'
}
