import { createServer } from 'node:net'

/** `preferred` when it is free on `host` right now, else 0 (any free port): the demo must start anyway. */
export function preferPort (preferred: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(0))
    probe.listen(preferred, host, () => probe.close(() => resolve(preferred)))
  })
}
