// `sluice keys …`: the CLI face of core/keys/manage.ts. A created or rotated key is printed once,
// alone on stdout (so `KEY=$(sluice keys create …)` works); everything else goes to stderr or,
// for `list`, is a table with no secret or hash in it.

import { systemClock } from '../core/clock.js'
import { tryParseDuration } from '../core/duration.js'
import { createKey, revokeKey, rotateKey } from '../core/keys/manage.js'
import { openKeyStore } from '../core/keys/open-store.js'
import type { KeyRecord } from '../core/keys/key-store.js'
import { loadConfigFile } from '../config/load.js'
import { UsageError } from '../errors.js'

type Flags = Readonly<Record<string, string | boolean | undefined>>

export async function runKeys (
  verb: string, id: string | undefined, flags: Flags, path: string, baseDir: string
): Promise<number> {
  const config = await loadConfigFile(path)
  const apiKeys = config.auth?.apiKeys
  if (apiKeys === undefined) throw new UsageError(`${path} has no auth.apiKeys store`)
  const store = openKeyStore(apiKeys.store, { baseDir, clock: systemClock, watch: false })
  try {
    await store.ready?.()
    const now = systemClock.wallNow()
    if (verb === 'create') {
      if (typeof flags.consumer !== 'string') throw new UsageError('keys create needs --consumer ID')
      const scopes = typeof flags.scopes === 'string' ? flags.scopes.split(',').map(s => s.trim()).filter(s => s !== '') : undefined
      const { key, record } = await createKey(store, config.consumers ?? {}, {
        consumer: flags.consumer,
        scopes,
        name: typeof flags.name === 'string' ? flags.name : undefined,
        expiresInMs: typeof flags.expires === 'string' ? duration(flags.expires, '--expires') : undefined,
      }, now)
      process.stdout.write(`${key}\n`)
      process.stderr.write(`created key ${describe(record)}\nThe key is shown once: store it now.\n`)
    } else if (verb === 'rotate') {
      const grace = typeof flags.grace === 'string' ? duration(flags.grace, '--grace') : 24 * 3600_000
      const { key, record } = await rotateKey(store, id!, grace, now)
      process.stdout.write(`${key}\n`)
      process.stderr.write(`rotated ${id!} → ${describe(record)}; the old key works until ${iso(now + grace)}\n`)
    } else if (verb === 'revoke') {
      const record = await revokeKey(store, id!)
      process.stderr.write(`revoked ${describe(record)}\n`)
    } else {
      const rows = (await store.list()).sort((a, b) => a.created - b.created)
      process.stdout.write(table(rows, now))
    }
    return 0
  } finally {
    await store.close()
  }
}

function duration (text: string, flag: string): number {
  const ms = tryParseDuration(text)
  if (ms === undefined || ms <= 0) throw new UsageError(`${flag} expects a duration like 24h or 90d (got "${text}")`)
  return ms
}

function iso (ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function describe (r: KeyRecord): string {
  return `${r.id} (consumer ${r.consumer}${r.name === undefined ? '' : `, name ${r.name}`}, scopes ${r.scopes.join(' ') || '-'}, ` +
    `expires ${iso(r.expires)})`
}

function state (r: KeyRecord, now: number): string {
  if (r.status === 'revoked') return 'revoked'
  if (r.expires !== undefined && r.expires <= now) return 'expired'
  return r.rotatedTo === undefined ? 'active' : `rotating→${r.rotatedTo}`
}

function table (rows: KeyRecord[], now: number): string {
  const head = ['ID', 'CONSUMER', 'NAME', 'SCOPES', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED']
  const body = rows.map(r => [r.id, r.consumer, r.name ?? '-', r.scopes.join(',') || '-', state(r, now), iso(r.created),
    iso(r.expires), iso(r.lastUsed)])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => b[i]!.length)))
  return [head, ...body].map(cols => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n'
}
