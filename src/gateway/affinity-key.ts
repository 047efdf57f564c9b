// The key that signs affinity cookies of upstreams without `affinity.secret`. A key per process
// would break pins under `server.workers > 1`: each new connection may land on another worker,
// which would not recognise the value. So the cluster primary makes one key and hands it to its
// workers in the environment; a single process makes its own. Either way a restart forgets it.

import { randomBytes } from 'node:crypto'

/** 64 hex characters (32 bytes). Set by the cluster primary; an operator may set it too. */
export const AFFINITY_KEY_ENV = 'SLUICE_AFFINITY_KEY'

const HEX_KEY = /^[0-9a-fA-F]{64}$/

/** This process's key: the one in the environment, or a fresh random one. */
export function processAffinityKey (env: NodeJS.ProcessEnv = process.env): Buffer {
  const hex = env[AFFINITY_KEY_ENV]
  return hex !== undefined && HEX_KEY.test(hex) ? Buffer.from(hex, 'hex') : randomBytes(32)
}

/** What a cluster primary adds to its workers' environment so that they share one key. */
export function sharedAffinityKeyEnv (env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const hex = env[AFFINITY_KEY_ENV]
  return hex !== undefined && HEX_KEY.test(hex) ? {} : { [AFFINITY_KEY_ENV]: randomBytes(32).toString('hex') }
}
