// docs/benchmarks.md must say how to rerun every table it publishes: each results section names a
// command (`BENCH_ONLY=<part> npm run bench` or `npx tsx bench/<script>.ts`), and each part and
// script it names exists. A new benchmark section without its command fails here.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'

const doc = readFileSync(new URL('../docs/benchmarks.md', import.meta.url), 'utf8')
const runner = readFileSync(new URL('../bench/run.ts', import.meta.url), 'utf8')
const PARTS = new Set([...runner.matchAll(/^await part\('([a-z-]+)'/gm)].map(m => m[1]!))
const COMMAND = /`((?:[A-Z_]+=\S+ )*npm run bench|npx tsx (bench\/[\w-]+\.ts))`/g

/** The `### ` sections under "## Latest results", each with its text (its `####` tables included). */
function resultSections (): { title: string, text: string }[] {
  const results = doc.split(/^## /m).find(s => s.startsWith('Latest results'))
  assert.ok(results, 'docs/benchmarks.md has a "## Latest results" section')
  return results.split(/^### /m).slice(1).map(s => ({ title: s.split('\n')[0]!, text: s }))
}

/** Problems with the commands in `text`: none found, or naming a part or script that does not exist. */
function commandProblems (text: string): string[] {
  const commands = [...text.matchAll(COMMAND)]
  if (commands.length === 0) return ['no command (`BENCH_ONLY=<part> npm run bench` or `npx tsx bench/<script>.ts`)']
  const problems: string[] = []
  for (const [, command, script] of commands) {
    if (script !== undefined && !existsSync(new URL(`../${script}`, import.meta.url))) problems.push(`${script} does not exist`)
    const only = /BENCH_ONLY=(\S+)/.exec(command!)
    for (const part of only?.[1]!.split(',') ?? []) if (!PARTS.has(part)) problems.push(`BENCH_ONLY=${part}: bench/run.ts has no such part`)
  }
  return problems
}

test('every published benchmark table says how to rerun it, with a part or script that exists', () => {
  assert.ok(PARTS.has('gateway') && PARTS.has('router'), `parts read from bench/run.ts: ${[...PARTS].join(', ')}`)
  const sections = resultSections()
  assert.ok(sections.length >= 4, sections.map(s => s.title).join(', '))
  const problems = sections.flatMap(s => commandProblems(s.text).map(p => `"${s.title}": ${p}`))
  assert.deepEqual(problems, [])
})

test('the rerun table lists a command for every part of npm run bench', () => {
  const table = doc.split(/^## /m).find(s => s.startsWith('Rerunning every table'))
  assert.ok(table, 'docs/benchmarks.md has a "## Rerunning every table" section')
  const named = new Set([...table.matchAll(/BENCH_ONLY=([a-z-]+)/g)].map(m => m[1]!))
  assert.deepEqual([...PARTS].filter(p => !named.has(p)), [])
  assert.deepEqual(commandProblems(table), [])
})
