// Buckets shared by every Sluice instance through Redis: one atomic script per operation (see
// redis-scripts.ts). ioredis `defineCommand` runs each by EVALSHA and falls back to EVAL when the
// server answers NOSCRIPT (after a restart or SCRIPT FLUSH), so the script text crosses the wire
// only when needed.
//
// Degraded mode is loud but never fatal: any failure answers with `onStoreError` and emits a
// `storeError` event; with a client from core/redis.ts a dead Redis costs a command timeout at
// worst, and commands succeed again as soon as it has reconnected.

import type { Emitter } from '../events.js'
import type { BucketRule, Decision, LimiterStore, StoreEvent } from './limiter.js'
import { redisStoreBase } from './redis-store-base.js'
import type { RedisStoreBaseOptions } from './redis-store-base.js'
import { PAUSE_SCRIPT, REFUND_SCRIPT, TAKE_SCRIPT } from './redis-scripts.js'
import { decisionAt, emissionInterval } from './token-bucket.js'

export interface RedisStoreOptions extends RedisStoreBaseOptions {
  /** Keys are `<prefix>:rl:{<name>:<key>}`; two names never share a bucket. */
  name: string
}

export interface RedisStore extends LimiterStore {
  readonly events: Emitter<StoreEvent>
  /** The Redis key holding `key`'s bucket. */
  keyFor (key: string): string
}

type Reply = [number, string, string]
interface LimiterCommands {
  sluiceLimiterTake (key: string, ...args: Array<string | number>): Promise<Reply>
  sluiceLimiterRefund (key: string, ...args: Array<string | number>): Promise<number>
  sluiceLimiterPause (key: string, ...args: Array<string | number>): Promise<number>
}

/** Keys outlive their bucket's refill by this much, so a TTL never races a take in flight. */
const TTL_SLACK_MS = 1000

/**
 * Creates a token-bucket store in Redis: one atomic script per take, keys that expire on their own,
 * and `onStoreError` answering while Redis is unreachable. Processes sharing the Redis share the quota.
 */
export function createRedisStore (options: RedisStoreOptions): RedisStore {
  const { client, name, prefix, fallback, denyRetryAfterMs, events } = redisStoreBase(options)

  client.defineCommand('sluiceLimiterTake', { numberOfKeys: 1, lua: TAKE_SCRIPT })
  client.defineCommand('sluiceLimiterRefund', { numberOfKeys: 1, lua: REFUND_SCRIPT })
  client.defineCommand('sluiceLimiterPause', { numberOfKeys: 1, lua: PAUSE_SCRIPT })
  const commands = client as unknown as LimiterCommands

  // The {…} hash tag puts a bucket's key on one Cluster slot whatever else the key holds.
  const keyFor = (key: string): string => `${prefix}:rl:{${name}:${key}}`

  const failed = (op: 'take' | 'refund' | 'pause', error: unknown): void =>
    events.emit({ type: 'storeError', store: name, op, error, fallback })

  return {
    events,
    keyFor,

    async take (key: string, cost: number, rule: BucketRule): Promise<Decision> {
      try {
        const [ok, tat, now] = await commands.sluiceLimiterTake(
          keyFor(key), cost, emissionInterval(rule), rule.burst, TTL_SLACK_MS)
        return decisionAt(ok === 1, Number(tat), Number(now), cost, rule)
      } catch (error) {
        failed('take', error)
        return fallback === 'allow'
          // Nothing is known about the bucket; answer as if it were full.
          ? { ok: true, remaining: Math.max(0, Math.floor(rule.burst - cost)), resetMs: 0, degraded: true }
          : { ok: false, retryAfterMs: denyRetryAfterMs, remaining: 0, resetMs: denyRetryAfterMs, degraded: true }
      }
    },

    async refund (key: string, cost: number, rule: BucketRule): Promise<void> {
      try {
        await commands.sluiceLimiterRefund(keyFor(key), cost, emissionInterval(rule), TTL_SLACK_MS)
      } catch (error) {
        failed('refund', error)
      }
    },

    async pause (key: string, forMs: number, rule: BucketRule): Promise<void> {
      try {
        await commands.sluiceLimiterPause(keyFor(key), forMs, emissionInterval(rule), rule.burst, TTL_SLACK_MS)
      } catch (error) {
        failed('pause', error)
      }
    },

    async close () {},
  }
}
