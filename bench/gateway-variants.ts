// Variants of bench/gateway.yaml that differ from it in one setting, so their ratio to the plain
// `sluice` row, taken within a round, is the cost of that setting alone.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The access log on, as it is by default (level info); the line goes to the run's log file. */
export function writeAccessLogConfig (base: string, dir: string): string {
  const yaml = readFileSync(base, 'utf8')
    .replace('level: warn', 'level: info')
    .replace('accessLog: false', 'accessLog: true')
  const file = join(dir, 'gateway-access-log.yaml')
  writeFileSync(file, yaml)
  return file
}
