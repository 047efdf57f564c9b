import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readResume } from './dispatch-resume.js'

test('the last record of an id decides; answers and caller errors are final; a cut last line is seen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-resume-'))
  try {
    const path = join(dir, 'out.jsonl')
    const records = [
      { id: 'ok', status: 200 },
      { id: 'busy', status: 503 },
      { id: 'reset', error: { code: 'SLC_BAD_GATEWAY' } },
      { id: 'healed', error: { code: 'SLC_QUEUE_FULL' } },
      { id: 'healed', status: 200 },
      { id: 'bad', error: { code: 'SLC_INVALID_OPTIONS' } },
      { id: 'line:9', line: 9, error: { code: 'SLC_BAD_REQUEST' } },
      { id: 'odd', error: { code: 'SOMETHING_NEW' } },
    ]
    writeFileSync(path, records.map(r => JSON.stringify(r)).join('\n') + '\n{"id":"cut","sta')
    assert.equal(await readResume(path, false, () => true), undefined, 'a stop ends the read')
    const plain = (await readResume(path, false))!
    assert.deepEqual([...plain.done].sort(), ['bad', 'busy', 'healed', 'line:9', 'ok'])
    assert.deepEqual([...plain.failed].sort(), ['bad', 'busy', 'line:9'], 'final, but failures for the exit status')
    assert.equal(plain.cutLine, true)
    const all = (await readResume(path, true))!
    assert.deepEqual([...all.done].sort(), ['healed', 'ok'])
    assert.deepEqual([...all.failed], [])
    assert.deepEqual(await readResume(join(dir, 'none.jsonl'), false), { done: new Set(), failed: new Set(), cutLine: false })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
