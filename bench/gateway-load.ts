// The load generator: wrk (one thread, keep-alive), pinned to the load core. The measured run is
// a child of this process, so its CPU shows up in our reaped-children time (see gateway-cpu.ts).

import { spawn } from 'node:child_process'

export interface LoadResult {
  rps: number
  requests: number
  p50Ms: number
  p99Ms: number
  /** wrk's non-2xx and socket error lines, joined; '' when clean. */
  errors: string
}

const UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 6e4 }

function toMs (s: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s ?? '')
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN
}

export function parseWrk (out: string): LoadResult {
  const line = (re: RegExp): string | undefined => re.exec(out)?.[1]
  return {
    rps: Number(line(/^Requests\/sec:\s+([\d.]+)/m) ?? NaN),
    requests: Number(line(/^\s*(\d+) requests in/m) ?? NaN),
    p50Ms: toMs(line(/^\s+50%\s+(\S+)/m)),
    p99Ms: toMs(line(/^\s+99%\s+(\S+)/m)),
    errors: out.split('\n').filter((l) => /Non-2xx|Socket errors/.test(l)).map((l) => l.trim()).join('; '),
  }
}

export interface LoadOptions { core: number, connections: number, seconds: number }

export function runWrk (url: string, o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(o.core), 'wrk', '-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency', url],
      { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.stderr.on('data', (c: Buffer) => { out += c.toString() })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`wrk exited with ${code}: ${out.trim().slice(0, 300)}`))
      else resolve(parseWrk(out))
    })
  })
}
