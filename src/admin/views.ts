// The JSON the admin API answers with, one type per endpoint. A gateway process builds them
// (local.ts); a cluster primary gathers them from its workers (cluster.ts). api-schema.ts mirrors
// them for the OpenAPI document, and a test checks live answers against it.

import type { ReloadEntry } from '../gateway/reload-log.js'
import type { UpstreamSnapshot } from '../gateway/upstream/upstream.js'
import type { StatsView } from './stats/summary.js'
import type { StatsWindow } from './stats/window.js'

/** What each process says about itself. */
export interface ProcessStatus {
  pid: number
  uptimeSeconds: number
  /** Serving traffic (listening and not draining). */
  serving: boolean
  configHash: string
  /** ISO time the config in service went live. */
  loadedAt: string
  /** null until the first reload attempt. */
  lastReload: ReloadEntry | null
  /** The last reload attempts, newest first (at most 10). */
  reloads: ReloadEntry[]
}

export interface StatusView extends ProcessStatus {
  version: string
  mode: 'single' | 'cluster'
  /** Worker processes (1 without a cluster). */
  workers: number
  configFile: string
  /** Cluster mode: each live worker's status (the fields above then describe the first one, pid and uptime aside). */
  workerStates?: ProcessStatus[]
}

export interface RouteView {
  name: string
  priority: number
  match: unknown
  upstream: string
  /** Stage names in the order requests run them. */
  stages: string[]
  stripPrefix?: string
  rewrite?: unknown
  preserveHost: boolean
  maxBodySize?: string | number
}

export interface RoutesView { routes: RouteView[] }
export interface UpstreamsView { upstreams: UpstreamSnapshot[] }
export interface ConfigView { configFile: string, configHash: string, config: unknown }

export interface AdminViews {
  status: StatusView
  routes: RoutesView
  upstreams: UpstreamsView
  config: ConfigView
}

export type ViewName = keyof AdminViews

export type { StatsView, StatsWindow }
