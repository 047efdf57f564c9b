// How the cluster primary combines its workers' views. Status: the primary's own pid, uptime and
// worker count, the first worker's config facts, and every worker's own status. Upstreams: in-flight
// and limits summed (so saturation is the cluster's), the most open breaker, and one entry per
// target with in-flight summed, the worst health and probe verdict any worker sees, and the longest
// runs of failures; other fields are the first worker's.

import { packageVersion } from '../cli/package-files.js'
import type { TargetSnapshot } from '../gateway/upstream/target.js'
import type { UpstreamSnapshot } from '../gateway/upstream/upstream.js'
import type { ProcessStatus, StatusView, UpstreamsView } from './views.js'

export function combineStatus (workers: readonly StatusView[], configured: number): StatusView {
  const first = workers[0]
  const states: ProcessStatus[] = workers.map(w => ({
    pid: w.pid,
    uptimeSeconds: w.uptimeSeconds,
    serving: w.serving,
    configHash: w.configHash,
    loadedAt: w.loadedAt,
    lastReload: w.lastReload,
    reloads: w.reloads,
  }))
  return {
    version: packageVersion(),
    mode: 'cluster',
    workers: configured,
    configFile: first?.configFile ?? '',
    pid: process.pid,
    uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
    serving: workers.some(w => w.serving),
    configHash: first?.configHash ?? '',
    loadedAt: first?.loadedAt ?? '',
    lastReload: first?.lastReload ?? null,
    reloads: first?.reloads ?? [],
    workerStates: states,
  }
}

const BREAKER_RANK = { closed: 0, 'half-open': 1, open: 2 } as const
const HEALTH_RANK = { healthy: 0, ejected: 1, unhealthy: 2 } as const

export function combineUpstreams (workers: readonly UpstreamsView[]): UpstreamsView {
  const out = new Map<string, UpstreamSnapshot>()
  for (const w of workers) {
    for (const u of w.upstreams) {
      const have = out.get(u.name)
      if (have === undefined) {
        out.set(u.name, { ...u, targets: u.targets.map(t => ({ ...t })) })
        continue
      }
      have.inFlight += u.inFlight
      if (u.breaker !== undefined && BREAKER_RANK[u.breaker] > BREAKER_RANK[have.breaker ?? 'closed']) have.breaker = u.breaker
      if (u.limit !== undefined) {
        have.limit = (have.limit ?? 0) + u.limit
        have.saturation = have.inFlight / have.limit
      }
      for (const t of u.targets) {
        const mine = have.targets.find(x => x.url === t.url)
        if (mine === undefined) have.targets.push({ ...t })
        else merge(mine, t)
      }
    }
  }
  return { upstreams: [...out.values()] }
}

function merge (into: TargetSnapshot, t: TargetSnapshot): void {
  into.inFlight += t.inFlight
  if (HEALTH_RANK[t.health] > HEALTH_RANK[into.health]) into.health = t.health
  if (t.activeCheck === 'failing') into.activeCheck = 'failing'
  if (t.passiveFailures !== undefined) into.passiveFailures = Math.max(into.passiveFailures ?? 0, t.passiveFailures)
  const mine = into.lastAttempt
  if (t.lastAttempt !== undefined && (mine === undefined || t.lastAttempt.noResponseInRow > mine.noResponseInRow)) {
    into.lastAttempt = t.lastAttempt
  }
}
