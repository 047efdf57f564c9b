// What the per-feature benches (rate-limits, resilience, auth) share: the core layout, wrk pinned
// to the load core, a port, waiting for a route, and the Sluice process's own CPU time.

import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { parseWrk } from './gateway-load.js'
import type { LoadResult } from './gateway-load.js'

/** wrk, nginx (and redis-server) run here; the Sluice under test alone on PROXY_CORE. */
export const LOAD_CORE = 0
export const PROXY_CORE = 1

export function freePort (): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** One wrk run on LOAD_CORE (`header`: one extra request header, `Name: value`). */
export function wrk (url: string, seconds: number, connections: number, header?: string): Promise<LoadResult> {
  const args = ['-c', String(LOAD_CORE), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency',
    ...(header === undefined ? [] : ['-H', header]), url]
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.stderr.on('data', (c: Buffer) => { out += c.toString() })
    child.on('error', reject)
    child.on('close', code => code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk exited ${code}: ${out.slice(0, 300)}`)))
  })
}

/** Resolves once `url` answers 200 (15 s at most). */
export async function waitFor (url: string, headers: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url, { headers })).status === 200) return
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`${url} never answered 200`)
}

/** utime + stime of `pid` in clock ticks (proc(5) fields 14 and 15; the name may hold spaces). */
export function cpuTicks (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** µs per clock tick. */
export const TICK_US = 1e6 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || '100')

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
