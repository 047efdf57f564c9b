// Shutdown on SIGTERM/SIGINT: the first signal starts a graceful drain; a second one means the
// operator does not want to wait, so we exit at once (130, as shells report an interrupt).

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/** Resolves with the signal's name on the first SIGTERM or SIGINT. */
export function shutdownSignal ({ forceOnSecond = true } = {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (sig: NodeJS.Signals): void => {
      for (const s of SIGNALS) process.off(s, first)
      // Keep a listener either way: without one, the second signal's default action kills us.
      const second = forceOnSecond ? () => process.exit(130) : () => {}
      for (const s of SIGNALS) process.on(s, second)
      resolve(sig)
    }
    for (const s of SIGNALS) process.on(s, first)
  })
}
