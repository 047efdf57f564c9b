// CPU accounting for the gateway bench, from /proc (Linux). Two figures per measurement:
//
//   proxy CPU   user + system time of the measured proxy and its children, per request
//   foreign CPU what the machine spent (user + nice + system, all cores) minus what the bench's own
//               processes spent (the measured proxy, the upstream, wrk and this driver), in % of
//               one core. It includes processes that started and ended inside the window, which a
//               per-process scan would miss (test runs fork short-lived workers all the time).
//
// Interrupt and softirq time are left out on both sides: on loopback most of it is the bench's
// own traffic. Steal (time the hypervisor gave to other guests) is reported beside it.

import { readFileSync, readdirSync } from 'node:fs'

/** Linux reports CPU times in clock ticks of 1/100 s on every architecture Node supports. */
const TICKS_PER_SECOND = 100

export interface CpuSample {
  readonly atMs: number
  /** Machine-wide user + nice + system ticks, all cores. */
  readonly busy: number
  readonly steal: number
  /** Per core: [busy ticks, total ticks]. */
  readonly cores: ReadonlyArray<readonly [number, number]>
  /** pid -> [ppid, own utime + stime ticks, ticks of its reaped children]. */
  readonly procs: ReadonlyMap<number, readonly [number, number, number]>
}

function readProcs (): Map<number, readonly [number, number, number]> {
  const out = new Map<number, readonly [number, number, number]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let text: string
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // exited between readdir and read
    }
    // The command name may hold spaces and parentheses; the fields after the last ')' are fixed.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
    out.set(Number(name), [Number(f[1]), Number(f[11]) + Number(f[12]), Number(f[13]) + Number(f[14])])
  }
  return out
}

export function sampleCpu (): CpuSample {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n')
  let busy = 0
  let steal = 0
  const cores: Array<[number, number]> = []
  for (const line of lines) {
    if (!line.startsWith('cpu')) continue
    const [name, ...rest] = line.trim().split(/\s+/)
    const [user, nice, system, idle, iowait, irq, softirq, st] = rest.map(Number) as number[]
    const b = user! + nice! + system!
    if (name === 'cpu') {
      busy = b
      steal = st!
    } else {
      cores.push([b + irq! + softirq!, b + irq! + softirq! + idle! + iowait! + st!])
    }
  }
  return { atMs: performance.now(), busy, steal, cores, procs: readProcs() }
}

/** The pids in `roots` and every descendant seen in either sample. */
export function treeOf (roots: readonly number[], ...samples: CpuSample[]): Set<number> {
  const tree = new Set(roots)
  for (let grew = true; grew;) {
    grew = false
    for (const s of samples) {
      for (const [pid, [ppid]] of s.procs) {
        if (!tree.has(pid) && tree.has(ppid)) {
          tree.add(pid)
          grew = true
        }
      }
    }
  }
  return tree
}

/**
 * CPU ticks the processes in `pids` used between two samples (a process new in `b` counts from 0),
 * with `reaped` also what their children that exited meanwhile used (wrk runs as the driver's child).
 */
export function ticksOf (pids: ReadonlySet<number>, a: CpuSample, b: CpuSample, reaped = false): number {
  let sum = 0
  for (const pid of pids) {
    const after = b.procs.get(pid)
    if (after === undefined) continue
    const before = a.procs.get(pid)
    sum += after[1] - (before?.[1] ?? 0)
    if (reaped) sum += after[2] - (before?.[2] ?? 0)
  }
  return sum
}

export interface CpuWindow {
  /** CPU µs per request of the measured proxy (with its children). */
  proxyUsPerReq: number
  /** % of one core used by processes other than the bench's own. */
  foreignPct: number
  /** % of one core stolen by the hypervisor. */
  stealPct: number
  /** Busy % of each core. */
  corePct: number[]
}

/**
 * `proxy`: the measured proxy's pid; `ours`: the bench's other long-lived processes (the upstream);
 * the driver (this process) counts with the children it reaped, which covers wrk.
 */
export function cpuWindow (
  a: CpuSample, b: CpuSample, proxy: readonly number[], ours: readonly number[], requests: number
): CpuWindow {
  const seconds = (b.atMs - a.atMs) / 1000
  const pct = (ticks: number): number => 100 * ticks / TICKS_PER_SECOND / seconds
  const proxyTicks = ticksOf(treeOf(proxy, a, b), a, b)
  const ourTicks = ticksOf(treeOf([...proxy, ...ours], a, b), a, b) + ticksOf(new Set([process.pid]), a, b, true)
  return {
    proxyUsPerReq: requests > 0 ? proxyTicks / TICKS_PER_SECOND * 1e6 / requests : NaN,
    foreignPct: Math.max(0, pct(b.busy - a.busy - ourTicks)),
    stealPct: pct(b.steal - a.steal),
    corePct: b.cores.map(([busy, total], i) => {
      const [busy0, total0] = a.cores[i] ?? [busy, total]
      return total > total0 ? 100 * (busy - busy0) / (total - total0) : 0
    }),
  }
}
