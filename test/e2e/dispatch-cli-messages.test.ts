// Every message `sluice dispatch` prints, from a real child process: help, usage errors, unreadable
// files, failed lines and the exit status, Ctrl-C (once and twice), an unreachable Redis.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../helpers/free-port.js'
import { startSupplier } from '../helpers/supplier-server.js'

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'sluice-dispatch-msg-'))
after(() => rmSync(dir, { recursive: true, force: true }))

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs `sluice ...args`; `onStderr` sees the stderr so far after each chunk (to send signals). */
function sluice (args: string[], onStderr?: (stderr: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return start(args, onStderr).done
}

function start (args: string[], onStderr?: (stderr: string, kill: (s: NodeJS.Signals) => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
    onStderr?.(stderr, s => child.kill(s))
  })
  const done = new Promise<Run>(resolve => child.on('close', code => resolve({ code, stdout, stderr })))
  return { child, done }
}

let n = 0
/** A suppliers file, an input of `lines` and the path of an output not written yet. */
function files (suppliers: string, lines: unknown[]) {
  const base = join(dir, `run${++n}`)
  writeFileSync(`${base}.yaml`, suppliers)
  writeFileSync(`${base}.jsonl`, lines.map(l => JSON.stringify(l)).join('\n') + '\n')
  return { config: `${base}.yaml`, input: `${base}.jsonl`, output: `${base}.out.jsonl` }
}

test('--help lists the options aligned, the formats, and what the exit status means', async () => {
  for (const args of [['dispatch', '--help'], ['help', 'dispatch']]) {
    const r = await sluice(args)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Usage: sluice dispatch -c suppliers\.yaml -i requests\.jsonl -o results\.jsonl\n/)
    const options = r.stdout.split('\n').filter(l => /^ {2}-/.test(l))
    assert.equal(options.length, 7)
    const column = options.map(l => l.search(/ {2}[A-Z]/))
    assert.equal(new Set(column).size, 1, `descriptions start in one column:\n${options.join('\n')}`)
    assert.match(r.stdout, /Exit status: 0 when every id has a result and none failed; 1 when any id failed/)
    assert.match(r.stdout, /docs\/dispatch\.md/)
  }
})

test('usage errors: one line naming the problem, the hint to --help, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['dispatch', '-c', 'a.yaml', '-i', 'in.jsonl'], /^sluice: dispatch needs -c FILE \(suppliers\), -i FILE \(requests\) and -o FILE \(results\)$/m],
    [['dispatch', '-c', 'a', '-i', 'b', '-o', 'c', '--window', '0'], /^sluice: --window must be a whole number of requests, at least 1, got "0"$/m],
    [['dispatch', '--ouput', 'x'], /^sluice: unknown option --ouput \(did you mean --output\?\)$/m],
  ]
  for (const [args, message] of cases) {
    const r = await sluice(args)
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, message)
    assert.match(r.stderr, /^Run 'sluice dispatch --help' for usage\.$/m)
  }
})

test('a missing input file is one line, exit 1, and leaves no output file', async () => {
  const f = files('suppliers:\n  a:\n    baseUrl: http://127.0.0.1:1\n', [])
  const missing = join(dir, 'no-such-requests.jsonl')
  const r = await sluice(['dispatch', '-c', f.config, '-i', missing, '-o', f.output])
  assert.equal(r.code, 1)
  assert.equal(r.stderr, `sluice dispatch: cannot read the input file ${missing}: no such file\n`)
  assert.equal(existsSync(f.output), false)
  const outDir = await sluice(['dispatch', '-c', f.config, '-i', f.input, '-o', join(dir, 'no-dir', 'out.jsonl')])
  assert.equal(outDir.code, 1)
  assert.equal(outDir.stderr, `sluice dispatch: cannot write the output file ${join(dir, 'no-dir', 'out.jsonl')}: no such directory\n`)
})

test('an invalid suppliers file: every problem located, exit 1, no output file', async () => {
  const f = files('suppliers:\n  a:\n    baseUrl: ftp://x\n    maxConcurent: 3\n', [{ id: 1, supplier: 'a', path: '/' }])
  const r = await sluice(['dispatch', '-c', f.config, '-i', f.input, '-o', f.output])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /run\d+\.yaml:3:14 suppliers\.a\.baseUrl: expected an http:\/\/ or https:\/\/ URL/)
  assert.match(r.stderr, /run\d+\.yaml:4:5 suppliers\.a: unknown key "maxConcurent" \(did you mean "maxConcurrent"\?\)/)
  assert.equal(existsSync(f.output), false)
})

test('progress and the summary table go to stderr; stdout stays empty', async () => {
  const server = await startSupplier({})
  try {
    const f = files(`suppliers:\n  a:\n    baseUrl: ${server.url}\n`, [{ id: 1, supplier: 'a', path: '/x' }, { id: 2, supplier: 'a', path: '/y' }])
    const r = await sluice(['dispatch', '-c', f.config, '-i', f.input, '-o', f.output])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^2\/2 100% [\d.]+\/s eta 0s errors 0 \| a:2$/m)
    assert.match(r.stderr, /^supplier {2}done {2}ok {2}http 4xx\/5xx {2}errors {2}avg ms\n-+ {2}-+/m)
    assert.match(r.stderr, /^a {8}\s+2 {3}2 {13}0 {7}0 +[\d.]+$/m)
  } finally {
    await server.close()
  }
})

test('exit 0 when every line has a good answer; exit 1 and one line saying how many failed otherwise', async () => {
  const server = await startSupplier({ handler: (req, res) => { res.writeHead(req.url === '/boom' ? 500 : 200).end() } })
  try {
    const good = files(`suppliers:\n  a:\n    baseUrl: ${server.url}\n    retry: false\n`, [{ id: 1, supplier: 'a', path: '/x' }])
    const ok = await sluice(['dispatch', '-q', '-c', good.config, '-i', good.input, '-o', good.output])
    assert.equal(ok.code, 0, ok.stderr)
    assert.equal(ok.stderr, '', 'quiet and successful: nothing to say')
    const bad = files(`suppliers:\n  a:\n    baseUrl: ${server.url}\n    retry: false\n`, [
      { id: 1, supplier: 'a', path: '/x' }, { id: 2, supplier: 'a', path: '/boom' }, { id: 3, supplier: 'nope', path: '/' },
    ])
    const failed = await sluice(['dispatch', '-q', '-c', bad.config, '-i', bad.input, '-o', bad.output])
    assert.equal(failed.code, 1)
    assert.equal(failed.stderr,
      `sluice dispatch: 2 ids failed (an error record, or a 5xx or 429 answer): see ${bad.output}; --retry-failed sends them again\n`)
  } finally {
    await server.close()
  }
})

test('Ctrl-C stops sending at once whatever the input size, says so, and exits 130', async () => {
  const server = await startSupplier({ delayMs: 300 })
  try {
    const lines = Array.from({ length: 100_000 }, (_, i) => ({ id: i, supplier: 'a', path: `/r/${i}` }))
    const f = files(`suppliers:\n  a:\n    baseUrl: ${server.url}\n    maxConcurrent: 4\n    rateLimit: { rps: 50, burst: 4 }\n`, lines)
    let sentAtSigint = -1
    const r = await sluice(['dispatch', '-c', f.config, '-i', f.input, '-o', f.output], (_stderr, kill) => {
      if (sentAtSigint !== -1 || !existsSync(f.output) || readFileSync(f.output, 'utf8').split('\n').length < 10) return
      sentAtSigint = server.count
      kill('SIGINT')
    })
    assert.equal(r.code, 130, r.stderr)
    assert.match(r.stderr, /^sluice dispatch: interrupted: sending stopped; waiting up to 10s for \d+ calls? in flight \(Ctrl-C again to quit now\)$/m)
    assert.match(r.stderr, /^sluice dispatch: stopped early: \d+ lines of .* not done; rerun the same command to resume$/m)
    assert.ok(server.count <= sentAtSigint + 4, `sent ${server.count - sentAtSigint} after Ctrl-C; at most the 4 in flight were on their way`)
  } finally {
    await server.close()
  }
})

test('Ctrl-C while the input is still being counted stops there, before sending anything', async () => {
  // The input is a pipe the test writes: the count waits on it, so the Ctrl-C lands mid-count.
  const f = files('suppliers:\n  a:\n    baseUrl: http://127.0.0.1:1\n', [])
  const fifo = join(dir, `fifo${n}.jsonl`)
  execFileSync('mkfifo', [fifo])
  const run = start(['dispatch', '-c', f.config, '-i', fifo, '-o', f.output])
  const writer = await open(fifo, 'w') // resolves once the child opened the pipe to count it
  await writer.write('{"id":1,"supplier":"a","path":"/"}\n')
  const state = { ended: false }
  const done = run.done.finally(() => { state.ended = true })
  run.child.kill('SIGINT')
  // The count asks whether to stop between chunks: more lines let it see the Ctrl-C.
  while (!state.ended) {
    await writer.write('{"id":2,"supplier":"a","path":"/"}\n').catch(() => {})
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  const r = await done
  await writer.close().catch(() => {})
  assert.equal(r.code, 130, r.stderr)
  assert.match(r.stderr, /^sluice dispatch: stopped before sending anything; rerun the same command to start$/m)
})

test('a second Ctrl-C quits at once, saying what is lost', async () => {
  const server = await startSupplier({})
  server.fail('stall')
  try {
    const f = files(`suppliers:\n  a:\n    baseUrl: ${server.url}\n    retry: false\n`, [{ id: 1, supplier: 'a', path: '/stalls' }])
    let signals = 0
    const r = await sluice(['dispatch', '-c', f.config, '-i', f.input, '-o', f.output], (stderr, kill) => {
      if (signals === 0 && server.count > 0) {
        signals++
        kill('SIGINT')
      } else if (signals === 1 && /interrupted: sending stopped; waiting up to 10s for 1 call in flight/.test(stderr)) {
        signals++
        kill('SIGINT')
      }
    })
    assert.equal(r.code, 130)
    assert.match(r.stderr, /^sluice dispatch: quit: calls still in flight have no result; rerun the same command to send them again$/m)
  } finally {
    await server.close()
  }
})

test('an unreachable Redis prints the warning the library prints, and the run goes on (onStoreError allow)', async () => {
  const server = await startSupplier({})
  try {
    const port = await freePort()
    const f = files(`suppliers:\n  a:\n    baseUrl: ${server.url}\n    rateLimit: { rps: 100 }\nstore:\n  type: redis\n  url: redis://127.0.0.1:${port}\n`,
      [{ id: 1, supplier: 'a', path: '/x' }])
    const r = await sluice(['dispatch', '-q', '-c', f.config, '-i', f.input, '-o', f.output])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^sluice dispatch: warning: limiter store unavailable: answering with onStoreError=allow \(store=dispatcher op=take fallback=allow err=.+\)$/m)
    assert.equal(server.count, 1)
  } finally {
    await server.close()
  }
})
