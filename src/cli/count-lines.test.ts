import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { countLines } from './count-lines.js'

test('counts lines, a last one without its newline included, and stops when asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-count-'))
  try {
    const file = join(dir, 'in.jsonl')
    writeFileSync(file, 'a\nb\nc')
    assert.equal(await countLines(file), 3)
    writeFileSync(file, 'a\nb\n')
    assert.equal(await countLines(file), 2)
    writeFileSync(file, '{"id":1}\n'.repeat(200_000))
    let chunks = 0
    assert.equal(await countLines(file, () => ++chunks > 2), undefined, 'a stop between chunks ends the count')
    assert.equal(chunks, 3, 'it stopped at the first chunk after the stop')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
