#!/usr/bin/env node
// First, before the CLI's modules load: see heap-tuning.ts.
import './heap-tuning.js'
import { main } from './cli.js'

// Exit explicitly: a long-running command returns only after its own graceful shutdown, and a
// stray handle (a keep-alive timer in a dependency) must not keep a stopped process alive.
main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`sluice: ${String(err)}\n`)
  process.exit(1)
})
