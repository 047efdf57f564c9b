import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSupplier } from '../helpers/supplier-server.js'
import type { SupplierServerOptions } from '../helpers/supplier-server.js'

interface Result { id: string, status?: number, line?: number, error?: { code: string } }

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname

function runCli (args: string[], killAfterLines?: { file: string, lines: number }) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'dispatch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  let watcher: NodeJS.Timeout | undefined
  if (killAfterLines !== undefined) {
    // Watching the output grow (not timing logic): kill the child once enough results are written.
    watcher = setInterval(() => {
      let lines = 0
      try { lines = readFileSync(killAfterLines.file, 'utf8').split('\n').length - 1 } catch { return }
      if (lines >= killAfterLines.lines) child.kill('SIGKILL')
    }, 10)
  }
  return new Promise<{ code: number | null, signal: NodeJS.Signals | null, stderr: string }>(resolve => {
    child.on('exit', (code, signal) => {
      clearInterval(watcher)
      resolve({ code, signal, stderr })
    })
  })
}

test('sluice dispatch: 1,000 requests over 2 suppliers, killed midway and resumed, one result per id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dispatch-'))
  const a = await startSupplier({})
  const b = await startSupplier({})
  try {
    const config = join(dir, 'suppliers.yaml')
    writeFileSync(config, `suppliers:
  a:
    baseUrl: ${a.url}
    rateLimit: { rps: 400, burst: 20 }
    maxConcurrent: 8
  b:
    baseUrl: ${b.url}
    rateLimit: { rps: 400, burst: 20 }
    maxConcurrent: 8
`)
    const input = join(dir, 'requests.jsonl')
    const lines: string[] = []
    for (let i = 0; i < 1000; i++) {
      const supplier = i % 2 === 0 ? 'a' : 'b'
      const priority = i % 5 === 0 ? 'high' : 'normal'
      lines.push(JSON.stringify({ id: `r${i}`, supplier, method: 'GET', path: `/item/${i}`, priority }))
      if (i === 500) lines.push('{"id": "broken", ')
    }
    writeFileSync(input, lines.join('\n') + '\n')
    const output = join(dir, 'results.jsonl')
    const args = ['-c', config, '-i', input, '-o', output, '-q']

    const first = await runCli(args, { file: output, lines: 200 })
    assert.equal(first.signal, 'SIGKILL', first.stderr)
    const afterKill = readFileSync(output, 'utf8').split('\n').filter(Boolean).length
    assert.ok(afterKill >= 200 && afterKill < 1001, `killed after ${afterKill} results`)
    const sentBefore = a.count + b.count

    const second = await runCli(args)
    assert.equal(second.code, 1, 'the broken line failed')
    assert.match(second.stderr, /^sluice dispatch: 1 id failed \(an error record, or a 5xx or 429 answer\): see .*results\.jsonl; --retry-failed sends them again$/m)
    assert.ok(statSync(output).size > 0)
    const results = readFileSync(output, 'utf8').split('\n').filter(Boolean).flatMap(l => {
      try { return [JSON.parse(l) as Result] } catch { return [] }
    })
    const ids = results.map(r => r.id)
    assert.equal(new Set(ids).size, ids.length, 'no id twice')
    assert.equal(ids.length, 1001)
    const broken = results.find(r => r.id === 'line:502')
    assert.equal(broken?.error?.code, 'SLC_BAD_REQUEST')
    assert.equal(broken?.line, 502)
    assert.equal(results.filter(r => r.status === 200).length, 1000)
    // The resumed run sent only what the first had not finished (a few in flight at the kill may repeat).
    assert.ok(a.count + b.count - sentBefore <= 1000 - afterKill + 1 + 16, `resume sent ${a.count + b.count - sentBefore}`)
  } finally {
    await a.close()
    await b.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

interface Output { id: string, status?: number, line?: number, error?: { code: string, message: string } }

/** A suppliers file for `url` (no retries, so a failure is recorded as it happened), input and output paths. */
function workspace (url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dispatch-'))
  const config = join(dir, 'suppliers.yaml')
  const input = join(dir, 'requests.jsonl')
  const output = join(dir, 'results.jsonl')
  writeFileSync(config, `suppliers:\n  a:\n    baseUrl: ${url}\n    retry: false\n`)
  return {
    input: (lines: unknown[]) => writeFileSync(input, lines.map(l => typeof l === 'string' ? l : JSON.stringify(l)).join('\n') + '\n'),
    run: (...extra: string[]) => runCli(['-c', config, '-i', input, '-o', output, '-q', ...extra]),
    records: () => readFileSync(output, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as Output),
    /** The last record of each id: its result. */
    results: () => new Map(readFileSync(output, 'utf8').split('\n').filter(Boolean).map(l => {
      const r = JSON.parse(l) as Output
      return [r.id, r]
    })),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

test('sluice dispatch: a duplicate id is reported as an error record naming both lines, once', async () => {
  const server = await startSupplier({})
  const w = workspace(server.url)
  try {
    w.input([
      { id: 'r1', supplier: 'a', path: '/one' },
      { id: 'r2', supplier: 'a', path: '/two' },
      { id: 'r1', supplier: 'a', path: '/other' },
    ])
    const first = await w.run()
    assert.equal(first.code, 1, 'the duplicate line failed')
    const records = w.records()
    assert.deepEqual(records.filter(r => r.id === 'r1').map(r => r.status), [200])
    const dup = records.find(r => r.id === 'line:3')
    assert.equal(dup?.line, 3)
    assert.equal(dup?.error?.code, 'SLC_BAD_REQUEST')
    assert.match(dup!.error!.message, /line 3: duplicate id "r1" \(first on line 1\)/)
    assert.deepEqual(server.received.map(r => r.url).sort(), ['/one', '/two'])
    const again = await w.run()
    assert.equal(again.code, 1, 'a failure skipped by the rerun still fails it')
    assert.equal(w.records().length, 3, 'a rerun reports nothing twice')
    assert.equal(server.count, 2)
  } finally {
    w.cleanup()
    await server.close()
  }
})

test('sluice dispatch: requests are built from the known fields only; anything else is an error record', async () => {
  const server = await startSupplier({})
  const w = workspace(server.url)
  try {
    w.input([
      { id: 'ok', supplier: 'a', method: 'POST', path: '/p', query: { q: 1 }, headers: { 'x-a': '1' }, body: { n: 1 }, priority: 'high', timeout: '5s', idempotent: true },
      { id: 'typo', supplier: 'a', path: '/t', heders: { 'x-a': '1' } },
      { id: 'sig', supplier: 'a', path: '/s', signal: null },
      { id: 'bad', supplier: 'a', path: '/a b' },
    ])
    const run = await w.run()
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stderr, /3 ids failed/)
    const res = w.results()
    assert.equal(res.get('ok')?.status, 200)
    assert.equal(server.received[0]?.url, '/p?q=1')
    assert.equal(server.received[0]?.headers['x-a'], '1')
    assert.equal(res.get('typo')?.error?.code, 'SLC_BAD_REQUEST')
    assert.match(res.get('typo')!.error!.message, /line 2: unknown field "heders"/)
    assert.match(res.get('sig')!.error!.message, /line 3: unknown field "signal"/)
    assert.equal(res.get('bad')?.error?.code, 'SLC_INVALID_OPTIONS')
    assert.equal(server.count, 1)
  } finally {
    w.cleanup()
    await server.close()
  }
})

test('sluice dispatch: a rerun finishes what failed for a passing reason; --retry-failed redoes every failure', async () => {
  let handle: NonNullable<SupplierServerOptions['handler']> = (req, res) => {
    if (req.url === '/reset') req.socket.destroy()
    else res.writeHead(req.url === '/503' ? 503 : 200).end()
  }
  const server = await startSupplier({ handler: (req, res, body) => handle(req, res, body) })
  const w = workspace(server.url)
  try {
    w.input([
      { id: 'ok', supplier: 'a', path: '/ok' },
      { id: 'reset', supplier: 'a', path: '/reset' },
      { id: 'unavailable', supplier: 'a', path: '/503' },
      { id: 'unknown', supplier: 'zzz', path: '/' },
    ])
    assert.equal((await w.run()).code, 1)
    let res = w.results()
    assert.deepEqual([...res.values()].map(r => [r.id, r.status ?? r.error?.code]).sort(), [
      ['ok', 200], ['reset', 'SLC_BAD_GATEWAY'], ['unavailable', 503], ['unknown', 'SLC_SUPPLIER_UNKNOWN'],
    ].sort())

    // The supplier is healthy again: the rerun redoes the transient failure, and only that.
    handle = (_req, res) => { res.writeHead(200).end() }
    const before = server.count
    assert.equal((await w.run()).code, 1, 'the 503 answer and the unknown supplier still failed')
    res = w.results()
    assert.equal(res.get('reset')?.status, 200)
    assert.equal(res.get('unavailable')?.status, 503, 'an answer is a result')
    assert.equal(res.get('unknown')?.error?.code, 'SLC_SUPPLIER_UNKNOWN', 'a caller error is final')
    assert.equal(server.count - before, 1)

    // --retry-failed also redoes error answers (5xx, 429) and final errors.
    assert.equal((await w.run('--retry-failed')).code, 1, 'the unknown supplier still failed')
    res = w.results()
    assert.equal(res.get('unavailable')?.status, 200)
    assert.equal(res.get('unknown')?.error?.code, 'SLC_SUPPLIER_UNKNOWN')
    assert.equal(server.count - before, 2)
    assert.equal(w.records().filter(r => r.id === 'ok').length, 1, 'a success is never redone')
  } finally {
    w.cleanup()
    await server.close()
  }
})
