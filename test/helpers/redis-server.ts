// Spawns a throwaway redis-server on a free port for tests that need the real thing. Nothing is
// persisted, and every spawned server is killed when the test process exits, even after a failure.

import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createConnection } from 'node:net'
import { freePort } from './free-port.js'
import type { Socket } from 'node:net'

export interface RedisServer {
  url: string
  port: number
  /** Kills the server and waits until it has exited. */
  stop (): Promise<void>
  /** Starts it again on the same port (stopping it first if running) and waits for PING. */
  restart (): Promise<void>
}

export const REDIS_SKIP_REASON = 'redis-server not installed (apt-get install -y redis-server)'

const READY_TIMEOUT_MS = 5000
const live = new Set<ChildProcess>()
let exitHookInstalled = false

/**
 * Starts a redis-server, or returns `undefined` when the binary is missing (after a loud warning,
 * so the caller can `t.skip(REDIS_SKIP_REASON)`). Under `CI=true` a missing binary is a failure.
 */
export async function startRedis (): Promise<RedisServer | undefined> {
  if (spawnSync('redis-server', ['--version']).error !== undefined) {
    if (process.env.CI === 'true') throw new Error(`${REDIS_SKIP_REASON}: CI must run the Redis tests`)
    console.warn(`SKIP: ${REDIS_SKIP_REASON} — Redis-backed tests are not running`)
    return undefined
  }
  installExitHook()
  const port = await freePort()
  let child = await launch(port)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => kill(child),
    async restart () {
      await kill(child)
      child = await launch(port)
    },
  }
}

async function launch (port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  let output = ''
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000) })
    ;(stream as Socket | null)?.unref()
  }
  // A server a test forgot to stop must not keep the test process alive; the exit hook kills it.
  child.unref()
  child.once('exit', () => live.delete(child))
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await kill(child)
      throw new Error(`redis-server on port ${port} did not start:\n${output}`)
    }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return child
}

function kill (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  // Referenced again so the wait itself keeps the event loop alive until the exit is seen.
  child.ref()
  return new Promise(resolve => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

function answersPing (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok) }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', chunk => done(chunk.toString().startsWith('+PONG')))
  })
}

function installExitHook (): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL')
  })
}
