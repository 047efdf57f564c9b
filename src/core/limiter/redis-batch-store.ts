// Counters shared by every gateway instance through Redis, decided a request at a time: all limits
// of one request in one call of TAKE_ALL_SCRIPT (redis-take-all.ts), all charged or none.
//
// Cluster: a script may only touch keys of one slot, and one request's limits count by different
// things (an address, a consumer, a header), so no part of the key is common to all of them. Every
// key of a store therefore carries the same hash tag, `{<name>}`: the store lives on one slot (one
// shard, which serves on the order of 100k script calls a second), and any combination of limits
// is legal in one call. Tagging by each key's own value would spread the load but make a request
// whose limits land on two slots impossible to decide atomically in one round trip.
//
// Degraded mode is loud but never fatal: any failure answers every limit of the request with
// `onStoreError` (marked `degraded`) and emits a `storeError` event.

import type { Emitter } from '../events.js'
import type { Decision, StoreEvent, TakeRequest, Usage } from './limiter.js'
import { redisStoreBase } from './redis-store-base.js'
import type { RedisStoreBaseOptions } from './redis-store-base.js'
import { scriptAlgorithm, TAKE_ALL_SCRIPT } from './redis-take-all.js'
import type { ScriptAlgorithm } from './redis-take-all.js'

export interface RedisBatchStoreOptions extends RedisStoreBaseOptions {
  /** Keys are `<prefix>:rl:{<name>}:<key>`: the name is the store's one hash tag. */
  name: string
  /**
   * Tests only: the time (wall ms) each call judges by, instead of Redis `TIME`, to replay a
   * sequence on a ManualClock. Never set it in service: instances on their own clocks disagree.
   */
  now?: () => number
}

export interface RedisBatchStore {
  /** Decisions in `requests` order; an `ok` one reads as if charged (see LimiterStore.takeAll). */
  takeAll (requests: readonly TakeRequest[]): Promise<Decision[]>
  /** Gives back what an ok takeAll charged (a delayed request whose client left); failures are dropped. */
  refundAll (requests: readonly TakeRequest[], decisions: readonly Decision[]): Promise<void>
  /** Where counters stand, charging nothing; rejects when Redis fails (no fallback to invent). */
  peekAll (requests: readonly TakeRequest[]): Promise<Usage[]>
  readonly events: Emitter<StoreEvent>
  /** The Redis key holding `key`'s counter. */
  keyFor (key: string): string
}

interface TakeAllCommand {
  sluiceTakeAll (...args: Array<string | number>): Promise<Array<string | number>>
}

export function createRedisBatchStore (options: RedisBatchStoreOptions): RedisBatchStore {
  const { client, name, prefix, fallback, denyRetryAfterMs, events } = redisStoreBase(options)

  // numberOfKeys varies per call: ioredis then takes it as the first argument.
  client.defineCommand('sluiceTakeAll', { lua: TAKE_ALL_SCRIPT })
  const command = client as unknown as TakeAllCommand
  const keyFor = (key: string): string => `${prefix}:rl:{${name}}:${key}`

  function call (
    op: 'take' | 'refund' | 'peek', requests: readonly TakeRequest[], algorithms: readonly ScriptAlgorithm[],
    aux: (r: TakeRequest, i: number) => number
  ): Array<string | number> {
    const args: Array<string | number> = [requests.length]
    for (const r of requests) args.push(keyFor(r.key))
    args.push(op, options.now === undefined ? '' : options.now())
    requests.forEach((r, i) => { args.push(algorithms[i]!.id, r.cost, aux(r, i), ...algorithms[i]!.args(r.rule)) })
    return args
  }

  const degraded = (requests: readonly TakeRequest[]): Decision[] => requests.map(() => fallback === 'allow'
    ? { ok: true, remaining: 0, resetMs: 0, degraded: true }
    : { ok: false, retryAfterMs: denyRetryAfterMs, remaining: 0, resetMs: denyRetryAfterMs, degraded: true })

  return {
    events,
    keyFor,

    async takeAll (requests) {
      const algorithms = requests.map(r => scriptAlgorithm(r.rule))
      try {
        const reply = await command.sluiceTakeAll(...call('take', requests, algorithms, r => r.maxDelayMs ?? 0))
        const now = Number(reply[0])
        return requests.map((r, i) => algorithms[i]!.decide(
          reply[1 + 3 * i] === 1, String(reply[2 + 3 * i]), String(reply[3 + 3 * i]), now, r))
      } catch (error) {
        events.emit({ type: 'storeError', store: name, op: 'take', error, fallback })
        return degraded(requests)
      }
    },

    async refundAll (requests, decisions) {
      const charged = requests.filter((_, i) => decisions[i]?.ok === true)
      const ds = decisions.filter(d => d.ok)
      if (charged.length === 0) return
      const algorithms = charged.map(r => scriptAlgorithm(r.rule))
      try {
        await command.sluiceTakeAll(...call('refund', charged, algorithms, (_, i) => algorithms[i]!.refundAux(ds[i]!)))
      } catch (error) {
        events.emit({ type: 'storeError', store: name, op: 'refund', error, fallback })
      }
    },

    async peekAll (requests) {
      const algorithms = requests.map(r => scriptAlgorithm(r.rule))
      const reply = await command.sluiceTakeAll(...call('peek', requests, algorithms, () => 0))
      const now = Number(reply[0])
      return requests.map((r, i) =>
        algorithms[i]!.usage(String(reply[2 + 3 * i]), String(reply[3 + 3 * i]), now, r.rule))
    },
  }
}
