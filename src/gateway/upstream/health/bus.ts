// Where active-probe verdicts meet the processes of one gateway instance. Alone, a process is its
// own prober and tells nobody. With server.workers > 1 one worker (the leader, chosen by the
// primary) probes and publishes each change of a target's verdict; the primary relays it to the
// other workers and replays the verdicts it knows to a worker that starts or takes over
// (cluster-health.ts). Verdicts are keyed by the target's health key (state.ts), which is the
// same in every worker that runs the same config.

export interface HealthBus {
  /** Whether this process runs the probes. */
  readonly leader: boolean
  /** Calls `fn` whenever `leader` changes; returns the unsubscribe. */
  onLeader (fn: () => void): () => void
  /** A verdict this process's probe reached. */
  publish (key: string, down: boolean): void
  /** Verdicts other processes reached for `key`, the last known one first; returns the unsubscribe. */
  subscribe (key: string, fn: (down: boolean) => void): () => void
}

/** A gateway process that is a whole instance: it probes, and nobody listens. */
export const soloHealthBus: HealthBus = Object.freeze({
  leader: true,
  onLeader: () => () => {},
  publish: () => {},
  subscribe: () => () => {},
})
