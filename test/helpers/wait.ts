// Bounded waits for end-to-end tests: a hang becomes a named failure instead of a test-runner timeout.
import assert from 'node:assert/strict'

/** Resolves like `p`, or rejects with "`what` after `ms` ms" (the timer never outlives the wait). */
export async function within<T> (p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms) }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `ok` every 10 ms until it holds; fails naming `what` after `ms`. */
export async function until (what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
