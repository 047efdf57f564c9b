// fs.watch cannot run on a fake clock, so these tests wait on real file-system events, with short
// debounces and bounded waits.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { watchConfig } from './watch.js'

const DEBOUNCE_MS = 40
const QUIET_MS = 250
const EVENT_TIMEOUT_MS = 3000

function setup (t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-watch-'))
  const file = join(dir, 'gateway.yaml')
  writeFileSync(file, 'v: 0\n')
  let calls = 0
  let wake = () => {}
  const watcher = watchConfig(file, () => { calls++; wake() }, { debounceMs: DEBOUNCE_MS })
  t.after(() => {
    watcher.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const firstCall = () => new Promise<void>((resolve, reject) => {
    if (calls > 0) return resolve()
    const timer = setTimeout(() => reject(new Error('no change event')), EVENT_TIMEOUT_MS)
    wake = () => { clearTimeout(timer); resolve() }
  })
  return { dir, file, watcher, calls: () => calls, firstCall }
}

test('a burst of writes fires onChange once', async (t) => {
  const w = setup(t)
  for (let i = 1; i <= 5; i++) writeFileSync(w.file, `v: ${i}\n`)
  await w.firstCall()
  await sleep(QUIET_MS)
  assert.equal(w.calls(), 1)
})

test('an atomic rename-replace fires onChange once', async (t) => {
  const w = setup(t)
  const tmp = join(w.dir, '.gateway.yaml.tmp')
  writeFileSync(tmp, 'v: 1\n')
  renameSync(tmp, w.file)
  await w.firstCall()
  await sleep(QUIET_MS)
  assert.equal(w.calls(), 1)
})

test('other files in the directory and writes after close() are ignored', async (t) => {
  const w = setup(t)
  writeFileSync(join(w.dir, 'other.yaml'), 'x: 1\n')
  await sleep(QUIET_MS)
  assert.equal(w.calls(), 0)
  w.watcher.close()
  writeFileSync(w.file, 'v: 2\n')
  await sleep(QUIET_MS)
  assert.equal(w.calls(), 0)
})
