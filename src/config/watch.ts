// Calls back when the config file changes. The directory is watched, not the file: editors and
// deploy tools save by writing a temporary file and renaming it over the original, which replaces
// the inode a file watch would be attached to. One save emits several events, hence the debounce.
//
// Events are not filtered by name. A Kubernetes ConfigMap volume never touches the file's own
// name on an update: `gateway.yaml` links to `..data/gateway.yaml`, and the kubelet renames a new
// `..data` link over the old one. So any event in the directory leads, after the debounce, to one
// stat of the file (symlinks followed), and `onChange` runs only when what the path resolves to
// has changed (device, inode, size, times). Other files in the directory cost a stat, nothing more.
//
// A watch can be lost: the watcher reports an error, or its directory is removed (a volume
// remounted, `rm -r conf && cp -r new conf`), after which inotify delivers nothing more. Either
// way `onError` hears of it, and the watch is re-armed every `retryMs` until it works; then the
// file is compared again, so a change made while blind is not missed.
import { statSync, watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import { systemClock } from '../core/clock.js'
import type { Clock, TimerHandle } from '../core/clock.js'

export interface WatchOptions {
  /** Quiet time after the last event before the file is compared (default 200). */
  debounceMs?: number
  /** After the watch is lost, the wait before each attempt to re-arm it (default 1000). */
  retryMs?: number
  clock?: Clock
  /** The watch was lost (watcher error, directory removed); it is being re-armed. Say so loudly. */
  onError?: (err: Error) => void
  /** The watch works again after a loss. */
  onRestore?: () => void
}

export interface ConfigWatcher {
  close (): void
}

export function watchConfig (path: string, onChange: () => void, options: WatchOptions = {}): ConfigWatcher {
  const { debounceMs = 200, retryMs = 1000, clock = systemClock, onError, onRestore } = options
  const dir = dirname(path)
  const dirName = basename(dir)
  let seen = identify(path)
  let watcher: FSWatcher | undefined
  let watchedDir = ''
  let debounce: TimerHandle | undefined
  let retry: TimerHandle | undefined
  let closed = false

  function arm (): void {
    const w = watch(dir, { persistent: true }, (_event, filename) => {
      if (closed || w !== watcher) return
      // Linux reports the removal of the watched directory as an event named after the directory.
      if ((filename === null || filename.toString() === dirName) && identify(dir) !== watchedDir) {
        lost(new Error('directory removed or replaced'))
        return
      }
      settle()
    })
    w.on('error', (err) => { if (w === watcher) lost(err) })
    watcher = w
    watchedDir = identify(dir)
  }

  function settle (): void {
    debounce?.cancel()
    debounce = clock.setTimeout(compare, debounceMs)
  }

  function compare (): void {
    debounce = undefined
    if (closed) return
    const now = identify(path)
    if (now === seen) return
    seen = now
    onChange()
  }

  function lost (err: Error): void {
    watcher?.close()
    watcher = undefined
    onError?.(new Error(`config watch on ${dir} lost (${err.message}); re-arming every ${retryMs}ms`, { cause: err }))
    settle()
    rearmLater()
  }

  function rearmLater (): void {
    retry = clock.setTimeout(() => {
      retry = undefined
      if (closed) return
      try {
        arm()
      } catch {
        rearmLater()
        return
      }
      onRestore?.()
      settle()
    }, retryMs)
  }

  arm()

  return {
    close () {
      if (closed) return
      closed = true
      debounce?.cancel()
      retry?.cancel()
      watcher?.close()
    },
  }
}

/** What `path` resolves to now, as one comparable string; a missing file is a state too. */
function identify (path: string): string {
  try {
    const s = statSync(path, { bigint: true })
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`
  } catch (err) {
    return `missing:${(err as NodeJS.ErrnoException).code ?? ''}`
  }
}
