// The one place Sluice builds an ioredis client. Rate limiting sits on the request path, so a
// slow or dead Redis must cost a request milliseconds, not hang it: commands fail at once while
// disconnected and time out when Redis stops answering, and the stores fall back to their
// onStoreError answer. Meanwhile the client keeps reconnecting on its own with capped backoff.

import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import { StoreUnavailableError } from '../errors.js'
import type { Emitter } from './events.js'

export type RedisClientEvent =
  | { type: 'ready' }
  | { type: 'reconnecting', delayMs: number }
  | { type: 'error', error: Error }

export interface RedisClientOptions {
  /** Receives connection errors and state changes; without it they are swallowed, never thrown. */
  events?: Emitter<RedisClientEvent>
  /** A command unanswered this long fails (default 500). */
  commandTimeoutMs?: number
  /** A connection attempt taking longer fails and is retried (default 2000). */
  connectTimeoutMs?: number
  /** Longest wait between reconnection attempts (default 2000); it starts at 50ms and doubles. */
  maxBackoffMs?: number
  /** Anything else ioredis accepts (TLS, password, db…); the fail-fast settings above win. */
  redis?: RedisOptions
}

/**
 * Creates an ioredis client that fails fast: commands fail at once while disconnected and after
 * `commandTimeoutMs` (500) without an answer, while it keeps reconnecting (backoff up to 2 s).
 */
export function createRedisClient (url: string, options: RedisClientOptions = {}): Redis {
  const maxBackoffMs = options.maxBackoffMs ?? 2000
  const client = new Redis(url, {
    ...options.redis,
    lazyConnect: false,
    // Commands issued while disconnected fail now instead of queueing behind a dead connection.
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    // A take is not idempotent: resending one after a dropped connection could charge it twice,
    // so a command whose reply was lost fails (and the store falls back) rather than being resent.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // disconnect() on a socket that already died arms a timer of this length that nothing clears,
    // holding the process open on shutdown (2s by default) while Redis is down.
    disconnectTimeout: 100,
    retryStrategy: times => Math.min(maxBackoffMs, 50 * 2 ** Math.min(times - 1, 16)),
  })
  const events = options.events
  // ioredis emits 'error' for every failed (re)connection; an unheard 'error' would crash Node.
  client.on('error', (error: Error) => events?.emit({ type: 'error', error }))
  client.on('ready', () => events?.emit({ type: 'ready' }))
  client.on('reconnecting', (delayMs: number) => events?.emit({ type: 'reconnecting', delayMs }))
  return client
}

/** Resolves when `client` is ready; rejects after `timeoutMs` (it keeps trying in the background). */
export function whenRedisReady (client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady)
      reject(new StoreUnavailableError(`Redis not ready after ${timeoutMs}ms (status ${client.status})`))
    }, timeoutMs)
    function onReady (): void {
      clearTimeout(timer)
      resolve()
    }
    client.once('ready', onReady)
  })
}
