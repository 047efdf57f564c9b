// No import cycle under src/, type-only imports included: a cycle of types is still two files that
// cannot be read, changed or moved one without the other. TypeScript's own pre-processor lists each
// file's imports (import, import type, export … from, import()), so comments and strings are
// never mistaken for imports; the cycles are the strongly connected components of that graph.

import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

function sourceFiles (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p))
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** Relative specifiers only: `./x.js` is the file `./x.ts` (NodeNext), a folder is its index.ts. */
function resolveImport (from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined
  const base = resolve(dirname(from), spec)
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (known.has(candidate)) return candidate
  }
  return undefined
}

/** Every cycle (strongly connected component of more than one file, or a file importing itself). */
function importCycles (root: string): string[][] {
  const files = sourceFiles(root)
  const known = new Set(files)
  const edges = new Map<string, string[]>()
  for (const f of files) {
    const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true)
    const to = info.importedFiles.map(i => resolveImport(f, i.fileName, known)).filter(t => t !== undefined)
    edges.set(f, to)
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  let next = 0
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) !== index.get(v)) return
    const scc: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      scc.push(relative(root, w))
    } while (w !== v)
    if (scc.length > 1 || edges.get(v)!.includes(v)) cycles.push(scc.sort())
  }
  for (const f of files) if (!index.has(f)) visit(f)
  return cycles
}

test('the checker finds type-only, re-export and dynamic import cycles, and ignores comments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cycles-'))
  try {
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js'\nexport type A = B\n")
    writeFileSync(join(dir, 'b.ts'), "export type { A } from './a.js'\nexport type B = number\n")
    writeFileSync(join(dir, 'c.ts'), "export const c = () => import('./d.js')\n")
    writeFileSync(join(dir, 'd.ts'), "import { c } from './c.js'\nexport const d = c\n")
    writeFileSync(join(dir, 'e.ts'), "// import { f } from './f.js'\nexport const e = 1\n")
    writeFileSync(join(dir, 'f.ts'), "import { e } from './e.js'\nexport const f = e\n")
    assert.deepEqual(importCycles(dir).sort(), [['a.ts', 'b.ts'], ['c.ts', 'd.ts']])
  } finally {
    rmSync(dir, { recursive: true })
  }
})

test('no import cycle under src/', () => {
  const src = fileURLToPath(new URL('../src', import.meta.url))
  assert.deepEqual(importCycles(src), [])
})
