import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSupplier } from '../helpers/supplier-server.js'

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
    assert.equal(second.code, 0, second.stderr)
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
