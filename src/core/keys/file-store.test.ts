import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { systemClock } from '../clock.js'
import { FileKeyStore } from './file-store.js'
import { createKey } from './manage.js'

const consumers = { acme: { scopes: ['a'], roles: [] } }

async function until (cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise(resolve => setTimeout(resolve, 5))
  assert.ok(cond())
}

test('a watching store sees another writer\'s key; a broken file keeps the last good keys', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fs-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'keys.json')
  const errors: unknown[] = []
  const reader = new FileKeyStore(path, { watch: true, onError: e => errors.push(e) })
  t.after(() => reader.close())
  const writer = new FileKeyStore(path)
  const { record } = await createKey(writer, consumers, { consumer: 'acme' }, systemClock.wallNow())
  await until(() => reader.get(record.id) !== undefined)
  assert.deepEqual(readdirSync(dir), ['keys.json'], 'no temp file left behind')

  writeFileSync(path, '{ "keys": [ half')
  await until(() => errors.length > 0)
  assert.equal(reader.get(record.id)?.consumer, 'acme')
})

test('writers read the file fresh, so two taking turns keep both keys', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fs-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'keys.json')
  const a = new FileKeyStore(path)
  const b = new FileKeyStore(path)
  const one = await createKey(a, consumers, { consumer: 'acme' }, 0)
  const two = await createKey(b, consumers, { consumer: 'acme' }, 0)
  const ids = (await new FileKeyStore(path).list()).map(r => r.id).sort()
  assert.deepEqual(ids, [one.record.id, two.record.id].sort())
})
