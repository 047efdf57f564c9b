// fs.watch cannot run on a fake clock, so these tests wait on real file-system events, with short
// debounces and bounded waits.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { watchConfig } from './watch.js'

const DEBOUNCE_MS = 40
const QUIET_MS = 250
const EVENT_TIMEOUT_MS = 3000

function setup (t: { after: (fn: () => void) => void }, layout: (dir: string) => string = plainFile) {
  const root = mkdtempSync(join(tmpdir(), 'sluice-watch-'))
  const dir = join(root, 'conf')
  mkdirSync(dir)
  const file = layout(dir)
  let calls = 0
  let wake = () => {}
  const errors: Error[] = []
  const watcher = watchConfig(file, () => { calls++; wake() }, {
    debounceMs: DEBOUNCE_MS,
    retryMs: DEBOUNCE_MS,
    onError: (err) => errors.push(err),
  })
  t.after(() => {
    watcher.close()
    rmSync(root, { recursive: true, force: true })
  })
  /** Resolves once onChange has run `n` times in all. */
  const call = (n = 1) => new Promise<void>((resolve, reject) => {
    if (calls >= n) return resolve()
    const timer = setTimeout(() => reject(new Error(`onChange ran ${calls} times, waited for ${n}`)), EVENT_TIMEOUT_MS)
    wake = () => { if (calls >= n) { clearTimeout(timer); resolve() } }
  })
  return { dir, file, watcher, errors, calls: () => calls, firstCall: () => call(1), call }
}

function plainFile (dir: string): string {
  const file = join(dir, 'gateway.yaml')
  writeFileSync(file, 'v: 0\n')
  return file
}

/**
 * A Kubernetes ConfigMap volume (the kubelet's AtomicWriter): the files live in a timestamped
 * directory, `..data` links to it, and each key is a link through `..data`.
 */
function configMap (dir: string): string {
  mkdirSync(join(dir, '..2026_11_30_00_00_00.1'))
  writeFileSync(join(dir, '..2026_11_30_00_00_00.1', 'gateway.yaml'), 'v: 0\n')
  symlinkSync('..2026_11_30_00_00_00.1', join(dir, '..data'))
  symlinkSync(join('..data', 'gateway.yaml'), join(dir, 'gateway.yaml'))
  return join(dir, 'gateway.yaml')
}

/** An update as the kubelet makes it: new directory, new link renamed over `..data`, old directory removed. */
function configMapUpdate (dir: string, text: string): void {
  const next = '..2026_11_30_00_01_00.2'
  mkdirSync(join(dir, next))
  writeFileSync(join(dir, next, 'gateway.yaml'), text)
  symlinkSync(next, join(dir, '..data_tmp'))
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'))
  rmSync(join(dir, '..2026_11_30_00_00_00.1'), { recursive: true })
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

test('a Kubernetes ConfigMap update (the ..data symlink swap) fires onChange once', async (t) => {
  const w = setup(t, configMap)
  configMapUpdate(w.dir, 'v: 1\n')
  await w.firstCall()
  await sleep(QUIET_MS)
  assert.equal(w.calls(), 1)
})

test('a lost watch (its directory removed) is reported, re-armed, and catches up', async (t) => {
  const w = setup(t)
  rmSync(w.dir, { recursive: true })
  // The deletion itself is a change (the reload will fail loudly and keep the old config).
  await w.firstCall()
  mkdirSync(w.dir)
  writeFileSync(w.file, 'v: 1\n')
  await w.call(2)
  assert.equal(w.errors.length, 1)
  assert.match(w.errors[0]!.message, /watch .* lost/)
  // Watching again: an ordinary edit is seen.
  await sleep(QUIET_MS)
  const before = w.calls()
  writeFileSync(w.file, 'v: 2\n')
  await w.call(before + 1)
})
