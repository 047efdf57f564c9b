// Active health checks once per gateway instance with server.workers > 1 (health/bus.ts says
// why). The primary picks the probing worker (the leader), relays its verdicts to the others and
// replays the verdicts it knows to a worker that comes online, so a replacement worker routes on
// the same verdicts at once. When the leader dies, the next live worker takes over; its probes
// start with fresh streaks from the verdicts it already holds.
//
//   leader worker ──verdict──▶ primary ──verdict──▶ every other worker
//                               │ keeps the last verdict per key
//   new worker ──hello──▶ primary (once its bus listens; 'online' would be too early)
//   new worker ◀──replay── primary, then "you lead" if there is no leader

import cluster from 'node:cluster'
import type { Worker } from 'node:cluster'
import { Emitter } from '../core/events.js'
import type { HealthBus } from './upstream/health/bus.js'

const VERDICT = 'sluice:health'
const LEAD = 'sluice:health-lead'
const HELLO = 'sluice:health-hello'

interface VerdictMessage { type: typeof VERDICT, key: string, down: boolean }
interface LeadMessage { type: typeof LEAD }
interface HelloMessage { type: typeof HELLO }
type Message = VerdictMessage | LeadMessage | HelloMessage

/** In the primary: relays verdicts between workers and keeps one leader. Returns the stop. */
export function relayHealthVerdicts (): () => void {
  const verdicts = new Map<string, boolean>()
  let leader: Worker | undefined
  /** Workers whose bus listens, in the order they said so. */
  const ready = new Set<Worker>()
  const send = (w: Worker, msg: Message): void => {
    if (w.isConnected()) w.send(msg, undefined, () => {})
  }
  const elect = (w: Worker): void => {
    leader = w
    send(w, { type: LEAD })
  }

  const onMessage = (w: Worker, msg: Message): void => {
    if (msg?.type === HELLO) {
      ready.add(w)
      for (const [key, down] of verdicts) send(w, { type: VERDICT, key, down })
      if (leader === undefined) elect(w)
      return
    }
    // Only the leader's verdicts count (one from a worker that lost the lead would be stale).
    if (msg?.type !== VERDICT || w !== leader) return
    verdicts.set(msg.key, msg.down)
    for (const other of ready) if (other !== w) send(other, msg)
  }
  const onExit = (w: Worker): void => {
    ready.delete(w)
    if (w !== leader) return
    leader = undefined
    const next = [...ready].find(o => o.isConnected())
    if (next !== undefined) elect(next)
  }
  cluster.on('message', onMessage)
  cluster.on('exit', onExit)
  return () => {
    cluster.off('message', onMessage)
    cluster.off('exit', onExit)
  }
}

export interface WorkerHealthBus extends HealthBus {
  /** Stops listening to the primary. */
  close (): void
}

/** In a worker: the bus its gateway's probes use (see relayHealthVerdicts for the other side). */
export function workerHealthBus (): WorkerHealthBus {
  const known = new Map<string, boolean>()
  const byKey = new Map<string, Emitter<boolean>>()
  const leadership = new Emitter<void>()
  let leader = false

  const onMessage = (msg: Message): void => {
    if (msg?.type === LEAD) {
      leader = true
      leadership.emit()
    } else if (msg?.type === VERDICT) {
      known.set(msg.key, msg.down)
      byKey.get(msg.key)?.emit(msg.down)
    }
  }
  process.on('message', onMessage)
  process.send?.({ type: HELLO } satisfies HelloMessage)

  return {
    get leader () { return leader },
    onLeader: (fn) => leadership.on(fn),
    publish (key, down) {
      known.set(key, down)
      process.send?.({ type: VERDICT, key, down } satisfies VerdictMessage)
    },
    subscribe (key, fn) {
      let e = byKey.get(key)
      if (e === undefined) byKey.set(key, e = new Emitter<boolean>())
      const off = e.on(fn)
      const last = known.get(key)
      if (last !== undefined) fn(last)
      return () => {
        off()
        if (e.size === 0) byKey.delete(key)
      }
    },
    close () { process.off('message', onMessage) },
  }
}
