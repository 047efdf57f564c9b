// Runs the `sluice` CLI from source as a child process and lets a test wait for its output.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

export interface Running {
  child: ChildProcess
  exit: Promise<number | null>
  output (): string
  waitFor (re: RegExp): Promise<RegExpExecArray>
}

export function spawnSluice (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const waiters: Array<() => void> = []
  const onData = (chunk: Buffer): void => {
    out += chunk.toString('utf8')
    for (const w of waiters.splice(0)) w()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w()
    resolve(code)
  }))
  return {
    child,
    exit,
    output: () => out,
    waitFor (re) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(out)
          if (m) resolve(m)
          else if (child.exitCode !== null) reject(new Error(`exited ${child.exitCode} before ${re}:\n${out}`))
          else waiters.push(check)
        }
        check()
      })
    },
  }
}
