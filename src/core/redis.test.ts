import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { StoreUnavailableError } from '../errors.js'
import { Emitter } from './events.js'
import { createRedisClient, whenRedisReady } from './redis.js'
import type { RedisClientEvent } from './redis.js'

/** A port nobody listens on: connections to it are refused at once. */
async function deadPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

test('an unreachable Redis fails commands fast and reports errors to the emitter, never crashing', async t => {
  const events = new Emitter<RedisClientEvent>()
  const seen: RedisClientEvent[] = []
  events.on(e => seen.push(e))
  const client = createRedisClient(`redis://127.0.0.1:${await deadPort()}`, { events, maxBackoffMs: 50, connectTimeoutMs: 100 })
  t.after(() => client.disconnect())

  // Rejected by the offline-queue rule, i.e. at once, not after waiting for a connection that
  // fails (that would reject with a connection error instead).
  await assert.rejects(client.ping(), /enableOfflineQueue/)

  await assert.rejects(whenRedisReady(client, 300), StoreUnavailableError)
  assert.ok(seen.some(e => e.type === 'error'), 'connection errors were emitted')
  assert.ok(seen.some(e => e.type === 'reconnecting'), 'it keeps trying to reconnect')
})

test('errors are swallowed even with no emitter', async t => {
  const client = createRedisClient(`redis://127.0.0.1:${await deadPort()}`, { maxBackoffMs: 50, connectTimeoutMs: 100 })
  t.after(() => client.disconnect())
  assert.ok(client.listenerCount('error') > 0, 'an error listener is installed')
  await assert.rejects(whenRedisReady(client, 200), StoreUnavailableError)
})
