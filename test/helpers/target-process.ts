// An upstream target in a child process of its own, so a test can SIGKILL it like a crashed
// server: `node --import tsx test/helpers/target-process.ts PORT NAME` listens on 127.0.0.1:PORT,
// answers GET /healthz with 200 and anything else with its NAME (header X-Upstream) after a short
// pause (so requests are in flight when it dies), and prints "ready" once it listens.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'

export interface TargetProcess {
  readonly child: ChildProcess
  /** Requests other than /healthz answered so far. */
  readonly requests: number
  kill (): Promise<void>
}

/** Starts the target on `port` and resolves once it listens. */
export function startTargetProcess (port: number, name: string): Promise<TargetProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(port), name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let requests = 0
  return new Promise((resolve, reject) => {
    let ready = false
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === 'ready' && !ready) {
          ready = true
          resolve({
            child,
            get requests () { return requests },
            kill () {
              const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
              child.kill('SIGKILL')
              return exited
            },
          })
        } else if (line === 'r') {
          requests++
        }
      }
    })
    child.once('exit', (code) => { if (!ready) reject(new Error(`target ${name} exited ${code} before listening`)) })
  })
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [port, name] = [Number(process.argv[2]), process.argv[3]!]
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.end('ok')
      return
    }
    setTimeout(() => {
      process.stdout.write('r\n')
      res.writeHead(200, { 'x-upstream': name }).end(name)
    }, 5)
  })
  server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'))
}
