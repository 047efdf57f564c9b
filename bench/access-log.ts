// The access log's own cost per line (issue 13), one process: formatting alone, and the whole path
// (format into the batch, write the batches to a real file through the BatchWriter), with many
// lines per event-loop turn (small responses) and with one (large responses). The peer is pino
// itself writing the same fields to a file through its own destination (sonic-boom,
// asynchronous), as the root logger would (with its redaction) and without redaction. CPU is the
// process's (every thread: the file writes run on libuv's pool), per line, median of the rounds,
// less what the same loop costs without a line.
//
// `npx tsx bench/access-log.ts` or `BENCH_ONLY=access-log npm run bench`; BENCH_QUICK=1 for a smoke run.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AccessRecord } from '../src/observability/access-log.js'
import { accessLogFields, createAccessLog } from '../src/observability/access-log.js'
import { writeAccessLine } from '../src/observability/access-line.js'
import { createLogger } from '../src/observability/logger.js'
import { logWriter } from '../src/observability/batch-writer.js'
import { pino } from 'pino'

export interface AccessLogBenchOptions { quick?: boolean, rounds?: number, lines?: number }

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function record (i: number): AccessRecord {
  return {
    id: `P6VM9HFB-${i.toString(36)}`,
    method: 'GET',
    path: `/api/users/${i % 1000}`,
    route: 'users',
    upstream: 'users',
    target: 'http://10.0.0.5:8080',
    status: 200,
    durationMs: 1 + (i % 997) / 100,
    bytesIn: 212,
    bytesOut: 1580,
    flags: [],
    clientIp: '203.0.113.7',
    consumer: undefined,
    traceId: undefined,
  }
}

type Variant = (lines: number, perTurn: number) => Promise<void>

async function cpuPerLine (run: Variant, lines: number, perTurn: number): Promise<number> {
  const before = process.cpuUsage()
  await run(lines, perTurn)
  const used = process.cpuUsage(before)
  return (used.user + used.system) * 1000 / lines
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

export async function runAccessLogBench (o: AccessLogBenchOptions = {}): Promise<{ table: string }> {
  const rounds = o.rounds ?? (o.quick === true ? 1 : 5)
  const lines = o.lines ?? (o.quick === true ? 5_000 : 100_000)
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-access-log-'))
  try {
    const file = (name: string): string => join(dir, `${name}.log`)
    const sink = { n: 0 }
    // Formatting alone writes each line over the last, in one small buffer.
    const scratch = Buffer.allocUnsafe(4096)
    const accessWriter = logWriter(file('access'))
    const accessLog = createAccessLog(createLogger({ destination: accessWriter }))
    const rootLogger = createLogger({ destination: pino.destination({ dest: file('pino'), sync: false, minLength: 4096 }), flushIntervalMs: 0 })
    const plainPino = pino({ base: undefined }, pino.destination({ dest: file('pino-plain'), sync: false, minLength: 4096 }))
    const variants: Array<[string, Variant]> = [
      // What the loop and its turns cost alone: subtracted from the rows below.
      ['(the turns alone)', async (n, perTurn) => {
        for (let i = 0; i < n; i++) {
          sink.n += record(i).status
          if (i % perTurn === perTurn - 1) await turn()
        }
      }],
      ['format only', async (n) => {
        for (let i = 0; i < n; i++) sink.n += writeAccessLine(scratch, 0, record(i), Date.now())
      }],
      ['access log', async (n, perTurn) => {
        for (let i = 0; i < n; i++) {
          accessLog(record(i))
          if (i % perTurn === perTurn - 1) await turn()
        }
        // The batches' writes are part of the cost: wait for them.
        await new Promise((resolve) => { accessWriter.flush(resolve) })
      }],
      ['pino, root logger options (redaction)', async (n, perTurn) => {
        for (let i = 0; i < n; i++) {
          rootLogger.info(accessLogFields(record(i)), 'access')
          if (i % perTurn === perTurn - 1) await turn()
        }
      }],
      ['pino, no redaction', async (n, perTurn) => {
        for (let i = 0; i < n; i++) {
          plainPino.info(accessLogFields(record(i)), 'access')
          if (i % perTurn === perTurn - 1) await turn()
        }
      }],
    ]
    const rows: string[] = []
    for (const perTurn of [64, 1]) {
      const results = new Map<string, number[]>(variants.map(([name]) => [name, []]))
      // Rounds interleave the variants, so a slow period of the machine hits them alike.
      for (let r = 0; r < rounds; r++) {
        for (const [name, run] of variants) results.get(name)!.push(await cpuPerLine(run, lines, perTurn))
      }
      const base = median(results.get('(the turns alone)')!)
      const net = (name: string): number => median(results.get(name)!) - (name === 'format only' ? 0 : base)
      const pinoNs = net('pino, root logger options (redaction)')
      for (const [name] of variants) {
        if (name === '(the turns alone)') continue
        rows.push(`| ${perTurn} | ${name} | ${(net(name) / 1000).toFixed(2)} | ${(pinoNs / net(name)).toFixed(1)}× |`)
      }
      rows.push(`| ${perTurn} | (the loop and its turns, subtracted above) | ${(base / 1000).toFixed(2)} | |`)
    }
    await new Promise<void>((resolve) => { rootLogger.flush(() => resolve()) })
    if (sink.n === 0) throw new Error('nothing was formatted')
    return {
      table: [
        `CPU per line, median of ${rounds} rounds of ${lines.toLocaleString('en-US')} lines, written to a file`,
        '',
        '| lines per turn | variant | µs per line | faster than pino (root options) |',
        '|---:|---|---:|---:|',
        ...rows,
      ].join('\n'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { table } = await runAccessLogBench({ quick: process.env.BENCH_QUICK === '1' })
  console.log(table)
}
