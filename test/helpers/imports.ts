// Which packages an import pulls in, seen by the module loader of a child process
// (record-imports.mjs), for the checks that an entry point stays light.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const RECORDER = fileURLToPath(new URL('./record-imports.mjs', import.meta.url))
/**
 * The packages (under node_modules) that importing `entry` in a fresh process loads; `loader` are
 * node flags placed before it (tsx by default, to import TypeScript sources; [] for built code).
 */
export async function packagesLoadedBy (entry: string, cwd?: string, loader: string[] = ['--import', 'tsx']): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-imports-'))
  const record = join(dir, 'imports.txt')
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ['--import', RECORDER, ...loader, '--input-type=module', '-e', `await import(${JSON.stringify(entry)})`],
        { cwd, env: { ...process.env, RECORD_IMPORTS: record }, timeout: 30_000 },
        (err, _stdout, stderr) => { if (err) reject(new Error(`${err.message}\n${stderr}`)); else resolve() })
    })
    const names = new Set<string>()
    for (const url of readFileSync(record, 'utf8').split('\n')) {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
      if (m) names.add(m[1]!)
    }
    return names
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
