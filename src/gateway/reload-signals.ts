/**
 * Signals that reload the config: SIGHUP, and SIGUSR1 as seed 003 sends it. The gateway listens
 * for them (gateway.ts `watch`); a cluster primary forwards them to its workers (cluster.ts).
 */
export const RELOAD_SIGNALS = ['SIGHUP', 'SIGUSR1'] as const
