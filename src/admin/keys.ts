// The key management endpoints (docs/auth.md), all behind the admin token, GET included: a key
// list names consumers and scopes. They translate HTTP to core/keys/manage.ts; a created or
// rotated key is in the reply once and nowhere else (no log line, no list, no metric).
//
//   GET    /admin/keys               list (no secrets, no hashes)
//   POST   /admin/keys               {consumer, scopes?, name?, expires?}  → 201 {key, ...record}
//   POST   /admin/keys/{id}/rotate   {grace?}                              → 201 {key, ...record}
//   DELETE /admin/keys/{id}          revoke                                → 200 record
//   GET    /admin/consumers          the consumers block, with each one's key count

import type { IncomingMessage, ServerResponse } from 'node:http'
import { systemClock } from '../core/clock.js'
import type { Clock } from '../core/clock.js'
import { tryParseDuration } from '../core/duration.js'
import { createKey, revokeKey, rotateKey } from '../core/keys/manage.js'
import type { KeyRecord, KeyStore } from '../core/keys/key-store.js'
import { recordToJson } from '../core/keys/key-store.js'
import { openKeyStore } from '../core/keys/open-store.js'
import type { ConsumerConfig, GatewayConfig } from '../config/schema/index.js'
import { KeyRequestError, RouteNotFoundError, SluiceError } from '../errors.js'
import { sendError, sendJson } from './respond.js'

export interface KeyAdmin {
  /** True when `path` is one of these endpoints (the server then checks the token for every method). */
  owns (path: string): boolean
  handle (req: IncomingMessage, res: ServerResponse, requestId: string, path: string): Promise<void>
}

const MAX_BODY = 16 * 1024

/**
 * The key endpoints for a config with auth.apiKeys (undefined without), on a store of their own
 * (watched, so rotate and revoke see keys the CLI made); `consumers` is read per request, so a
 * reload's consumers apply. Close the store with the admin listener.
 */
export function keyAdminFor (
  config: GatewayConfig, baseDir: string, consumers: () => Readonly<Record<string, ConsumerConfig>>
): { admin: KeyAdmin, close (): Promise<void> } | undefined {
  const apiKeys = config.auth?.apiKeys
  if (apiKeys === undefined) return undefined
  const store = openKeyStore(apiKeys.store, { baseDir, clock: systemClock, watch: true })
  return { admin: createKeyAdmin(store, consumers, systemClock), close: () => store.close() }
}

export function createKeyAdmin (
  store: KeyStore, consumersOf: () => Readonly<Record<string, ConsumerConfig>>, clock: Clock
): KeyAdmin {
  async function route (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET'
    const consumers = consumersOf()
    if (path === '/admin/consumers' && method === 'GET') {
      const counts = new Map<string, number>()
      for (const r of await store.list()) if (r.status === 'active') counts.set(r.consumer, (counts.get(r.consumer) ?? 0) + 1)
      sendJson(res, 200, {
        consumers: Object.entries(consumers).map(([id, c]) => ({
          id,
          plan: c.plan,
          scopes: c.scopes,
          roles: c.roles,
          metadata: c.metadata ?? {},
          activeKeys: counts.get(id) ?? 0,
        })),
      })
      return
    }
    if (path === '/admin/keys' && method === 'GET') {
      sendJson(res, 200, { keys: (await store.list()).map(view) })
      return
    }
    if (path === '/admin/keys' && method === 'POST') {
      const body = await readJson(req)
      const scopes = body.scopes
      if (scopes !== undefined && (!Array.isArray(scopes) || !scopes.every(s => typeof s === 'string'))) {
        throw new KeyRequestError('scopes must be a list of strings')
      }
      if (typeof body.consumer !== 'string') throw new KeyRequestError('consumer is required')
      const { key, record } = await createKey(store, consumers, {
        consumer: body.consumer,
        scopes: scopes as string[] | undefined,
        name: typeof body.name === 'string' ? body.name : undefined,
        expiresInMs: body.expires === undefined ? undefined : duration(body.expires, 'expires'),
      }, clock.wallNow())
      sendJson(res, 201, { key, ...view(record) })
      return
    }
    const m = /^\/admin\/keys\/([0-9a-f]{16})(\/rotate)?$/.exec(path)
    if (m !== null && m[2] !== undefined && method === 'POST') {
      const body = await readJson(req)
      const grace = body.grace === undefined ? 24 * 3600_000 : duration(body.grace, 'grace')
      const { key, record } = await rotateKey(store, m[1]!, grace, clock.wallNow())
      sendJson(res, 201, { key, ...view(record) })
      return
    }
    if (m !== null && m[2] === undefined && method === 'DELETE') {
      sendJson(res, 200, view(await revokeKey(store, m[1]!)))
      return
    }
    throw new RouteNotFoundError()
  }

  return {
    owns: path => path === '/admin/keys' || path.startsWith('/admin/keys/') || path === '/admin/consumers',
    async handle (req, res, requestId, path) {
      try {
        await route(req, res, path)
      } catch (err) {
        if (!SluiceError.is(err) || err.status < 400 || err.status >= 500) throw err
        sendError(res, requestId, err)
      }
    },
  }
}

/** The stored JSON form (ISO dates) without the hash: what the admin API may show. */
function view (r: KeyRecord): Record<string, unknown> {
  const { hash: _hash, ...rest } = recordToJson(r)
  return rest
}

function duration (value: unknown, field: string): number {
  const ms = tryParseDuration(value)
  if (ms === undefined || ms <= 0) throw new KeyRequestError(`${field} must be a duration like 24h or 90d`)
  return ms
}

async function readJson (req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY) throw new KeyRequestError('request body too large')
    chunks.push(c as Buffer)
  }
  if (size === 0) return {}
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {}
  throw new KeyRequestError('request body must be a JSON object')
}
