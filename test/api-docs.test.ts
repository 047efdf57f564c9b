// Every public export carries TSDoc, so an editor's hover explains it: each symbol the package's
// entry points export, and each member its interfaces and classes declare in our sources
// (members inherited from Error or Node's types are theirs to document). The option types of
// the dispatcher are rendered from the schema's descriptions (src/config/option-types.ts); the
// rest is written by hand, and this test is what keeps it written.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { CONSUMER_OPTIONS } from './helpers/typescript.js'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

/**
 * Types whose members are documented elsewhere, each for a reason: the gateway's config is what
 * the YAML file holds, documented key by key in docs/config.md and schema/sluice.schema.json (which
 * YAML editors show on hover); the metric handles are the metrics of docs/metrics.md, whose own test
 * keeps that list equal to METRIC_DEFS.
 */
const MEMBERS_DOCUMENTED_ELSEWHERE = new Set(['GatewayConfig', 'Metrics'])
const ENTRIES = ['index.ts', 'dispatcher/index.ts', 'gateway/index.ts'].map((f) => `${SRC}${f}`)

function documented (symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== ''
}

/** Members declared in our sources (not inherited from Error or @types/node) that have no TSDoc. */
function undocumentedMembers (symbol: ts.Symbol, checker: ts.TypeChecker): string[] {
  if ((symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias)) === 0) return []
  const type = checker.getDeclaredTypeOfSymbol(symbol)
  const members = [...type.getProperties()]
  if (symbol.flags & ts.SymbolFlags.Class) members.push(...checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol)))
  return members
    .filter((m) => (m.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(SRC)))
    .filter((m) => m.name !== 'prototype' && !m.name.startsWith('#') && !m.name.startsWith('__'))
    .filter((m) => !documented(m, checker))
    .map((m) => m.name)
}

test('every export of every entry point, and every member it declares, has TSDoc', () => {
  const program = ts.createProgram(ENTRIES, CONSUMER_OPTIONS)
  const checker = program.getTypeChecker()
  const gaps: string[] = []
  let seen = 0
  for (const entry of ENTRIES) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!
    for (const exported of checker.getExportsOfModule(module)) {
      seen++
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      if (!documented(symbol, checker)) gaps.push(`${exported.name}: no TSDoc`)
      const members = MEMBERS_DOCUMENTED_ELSEWHERE.has(exported.name) ? [] : undocumentedMembers(symbol, checker)
      if (members.length > 0) gaps.push(`${exported.name}: no TSDoc on ${members.join(', ')}`)
    }
  }
  assert.ok(seen > 100, `saw ${seen} exports`)
  assert.deepEqual([...new Set(gaps)], [])
})
