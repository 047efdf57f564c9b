// A gateway process idles between bursts. After ~8 s of low allocation, V8's memory reducer shrinks
// the heap with "reduce" mark-compacts and leaves its limits low. Large answers (every 64 KiB body
// is external memory) then make V8 run a full mark-compact every ~50 ms instead of scavenges, and
// the process stays in that state. On Node 20, a 64 KiB route measured ~90 µs of CPU per request
// fresh and ~235 µs after two idle spells; with the reducer held off it stays at ~85 µs
// (docs/benchmarks.md). A server keeps the heap it grew, as the JVM does: the reducer's start is put
// out of reach. V8 reads this flag when it first schedules the reducer (after an early mark-compact),
// so it must be set before the CLI loads its modules: main.ts imports this file first. It changes
// nothing else about garbage collection. Only the CLI does this (its processes, cluster workers
// included, start from main.ts): an application embedding createGateway keeps its own V8 settings.

import { setFlagsFromString } from 'node:v8'

/** The longest delay V8 takes (an int32 of milliseconds, ~24 days). */
const NEVER_MS = 2 ** 31 - 1

setFlagsFromString(`--gc-memory-reducer-start-delay-ms=${NEVER_MS}`)
