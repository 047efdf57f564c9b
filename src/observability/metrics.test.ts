import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { METRIC_DEFS, createMetrics } from './metrics.js'

interface Row { type: string, labels: string[], line: number }

// Rows look like `| name | type | labels | meaning |`; backticks optional, `—`/`-`/empty = no labels.
function parseDoc (text: string): { rows: Map<string, Row>, duplicates: string[] } {
  const rows = new Map<string, Row>()
  const duplicates: string[] = []
  text.split('\n').forEach((raw, i) => {
    const cells = raw.split('|').slice(1, -1).map((c) => c.trim())
    if (cells.length < 4) return
    const name = cells[0]!.replaceAll('`', '')
    if (!/^sluice_[a-z0-9_]+$/.test(name)) return
    const labels = cells[2]!.replaceAll('`', '').split(',').map((l) => l.trim()).filter((l) => l && !/^[—-]$/.test(l))
    if (rows.has(name)) duplicates.push(name)
    rows.set(name, { type: cells[1]!.toLowerCase(), labels, line: i + 1 })
  })
  return { rows, duplicates }
}

const doc = parseDoc(readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8'))
const defs = Object.values(METRIC_DEFS)

test('every declared metric has a row in docs/metrics.md with its type and labels', () => {
  for (const d of defs) {
    const row = doc.rows.get(d.name)
    assert.ok(row, `${d.name} is declared in metrics.ts but missing from docs/metrics.md`)
    assert.equal(row.type, d.type, `${d.name}: type in docs/metrics.md:${row.line}`)
    assert.deepEqual([...row.labels].sort(), [...d.labels].sort(), `${d.name}: labels in docs/metrics.md:${row.line}`)
  }
})

test('every metric documented in docs/metrics.md is declared, once', () => {
  const declared = new Set<string>(defs.map((d) => d.name))
  for (const [name, row] of doc.rows) {
    assert.ok(declared.has(name), `docs/metrics.md:${row.line} documents ${name}, which metrics.ts does not declare`)
  }
  assert.deepEqual(doc.duplicates, [], 'metrics documented twice')
})

test('createMetrics registers exactly the declared metrics, with their types', async () => {
  const m = createMetrics()
  const got = (await m.registry.getMetricsAsJSON()).map((x) => `${x.name}:${String(x.type)}`).sort()
  assert.deepEqual(got, defs.map((d) => `${d.name}:${d.type}`).sort())
  assert.equal(new Set(defs.map((d) => d.name)).size, defs.length, 'metric names are unique')
})

test('two createMetrics calls do not collide (fresh registry each)', async () => {
  const a = createMetrics()
  const b = createMetrics()
  a.configReloads.inc({ result: 'success' })
  const name = METRIC_DEFS.configReloads.name
  assert.match(await a.registry.getSingleMetricAsString(name), /result="success"} 1/)
  assert.doesNotMatch(await b.registry.getSingleMetricAsString(name), /result="success"/)
})
