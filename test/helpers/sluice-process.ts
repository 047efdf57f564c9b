// Runs the `sluice` CLI from source as a child process and lets a test wait for its output.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

export interface Running {
  child: ChildProcess
  exit: Promise<number | null>
  /** The exit code; rejects with everything the process printed when it has not exited within `ms` (default 30 s). */
  exited (ms?: number): Promise<number | null>
  output (): string
  /** Rejects with everything the process printed when `re` has not matched within `ms` (default 30 s). */
  waitFor (re: RegExp, ms?: number): Promise<RegExpExecArray>
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
    exited (ms = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`still running after ${ms} ms:\n${out}`)) }, ms)
        timer.unref()
        exit.then((code) => {
          clearTimeout(timer)
          resolve(code)
        })
      })
    },
    output: () => out,
    waitFor (re, ms = 30_000) {
      return new Promise((resolve, reject) => {
        // A hang becomes a failure that shows what the process said, not a silent runner timeout.
        const timer = setTimeout(() => { reject(new Error(`no ${re} within ${ms} ms:\n${out}`)) }, ms)
        timer.unref()
        const check = (): void => {
          const m = re.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m)
          } else if (child.exitCode !== null) {
            clearTimeout(timer)
            reject(new Error(`exited ${child.exitCode} before ${re}:\n${out}`))
          } else waiters.push(check)
        }
        check()
      })
    },
  }
}
