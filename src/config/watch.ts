// Calls back when the config file changes. The directory is watched, not the file: editors and
// deploy tools save by writing a temporary file and renaming it over the original, which replaces
// the inode a file watch would be attached to. One save emits several events, hence the debounce.
import { watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import { systemClock } from '../core/clock.js'
import type { Clock, TimerHandle } from '../core/clock.js'

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs (default 200). */
  debounceMs?: number
  clock?: Clock
  /** The watch itself failed (directory removed, watcher limit); watching has stopped. */
  onError?: (err: Error) => void
}

export interface ConfigWatcher {
  close (): void
}

export function watchConfig (path: string, onChange: () => void, options: WatchOptions = {}): ConfigWatcher {
  const { debounceMs = 200, clock = systemClock, onError } = options
  const name = basename(path)
  let timer: TimerHandle | undefined
  let closed = false

  const watcher = watch(dirname(path), { persistent: true }, (_event, filename) => {
    // Some platforms omit the name; then any change in the directory may be ours.
    if (closed || (filename !== null && filename.toString() !== name)) return
    timer?.cancel()
    timer = clock.setTimeout(() => {
      timer = undefined
      if (!closed) onChange()
    }, debounceMs)
  })
  watcher.on('error', (err) => {
    close()
    onError?.(err)
  })

  function close (): void {
    if (closed) return
    closed = true
    timer?.cancel()
    watcher.close()
  }
  return { close }
}
