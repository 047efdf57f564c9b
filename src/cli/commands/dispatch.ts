import type { Command } from '../command.js'

// Flags and help belong to the dispatcher's own parser (src/cli/dispatch.ts); this entry only
// gives it a place in `sluice --help` and forwards the words untouched.
export const dispatch: Command = {
  name: 'dispatch',
  summary: 'Send a JSONL file of requests through the dispatcher (resumable; see dispatch --help)',
  usage: 'dispatch -c suppliers.yaml -i requests.jsonl -o results.jsonl',
  flags: [],
  async run (argv) {
    const { dispatchCommand } = await import('../dispatch.js')
    return dispatchCommand([...argv])
  },
}
