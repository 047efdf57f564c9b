import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseArgs, formatFlags, type FlagSpec } from './args.js'
import { UsageError } from '../errors.js'

const specs: FlagSpec[] = [
  { name: 'config', short: 'c', type: 'string', description: 'config file', valueName: 'FILE' },
  { name: 'help', short: 'h', type: 'boolean', description: 'show help' },
]

const ok = [
  { desc: 'long flag with separate value', argv: ['--config', 'a.yaml'], flags: { config: 'a.yaml' }, pos: [] },
  { desc: 'long flag with =', argv: ['--config=a=b.yaml'], flags: { config: 'a=b.yaml' }, pos: [] },
  { desc: 'short flag with separate value', argv: ['-c', 'a.yaml'], flags: { config: 'a.yaml' }, pos: [] },
  { desc: 'short flag glued to value', argv: ['-ca.yaml'], flags: { config: 'a.yaml' }, pos: [] },
  { desc: 'boolean flag', argv: ['-h'], flags: { help: true }, pos: [] },
  { desc: 'last value wins', argv: ['-c', 'a', '--config', 'b'], flags: { config: 'b' }, pos: [] },
  { desc: '-- ends flags', argv: ['--', '-c'], flags: {}, pos: ['-c'] },
  { desc: 'positional kept', argv: ['x', '-h'], flags: { help: true }, pos: ['x'] },
  { desc: 'dash alone is a value', argv: ['-c', '-'], flags: { config: '-' }, pos: [] },
]

for (const c of ok) {
  test(`parseArgs: ${c.desc}`, () => {
    const r = parseArgs(c.argv, specs, { maxPositionals: 1 })
    assert.deepEqual({ ...r.flags }, c.flags)
    assert.deepEqual([...r.positionals], c.pos)
  })
}

const bad = [
  { desc: 'unknown long flag', argv: ['--nope'], message: /unknown option --nope/ },
  { desc: 'unknown long flag with value', argv: ['--nope=1'], message: /unknown option --nope$/ },
  { desc: 'misspelt long flag', argv: ['--confg', 'a.yaml'], message: /^unknown option --confg \(did you mean --config\?\)$/ },
  { desc: 'unknown short flag', argv: ['-x'], message: /unknown option -x/ },
  { desc: 'missing value at end', argv: ['-c'], message: /--config needs a value \(FILE\)/ },
  { desc: 'missing value before a flag', argv: ['-c', '-h'], message: /--config needs a value/ },
  { desc: 'value given to a boolean', argv: ['--help=yes'], message: /--help takes no value/ },
  { desc: 'too many positionals', argv: ['a', 'b'], message: /unexpected argument "b"/ },
]

for (const c of bad) {
  test(`parseArgs rejects: ${c.desc}`, () => {
    assert.throws(() => parseArgs(c.argv, specs, { maxPositionals: 1 }), (err: unknown) => {
      assert.ok(err instanceof UsageError)
      assert.match(err.message, c.message)
      return true
    })
  })
}

test('formatFlags aligns descriptions and shows value names', () => {
  const lines = formatFlags(specs).split('\n')
  assert.equal(lines.length, 2)
  assert.match(lines[0]!, /^ {2}-c, --config FILE {2}config file$/)
  assert.equal(lines[0]!.indexOf('config file'), lines[1]!.indexOf('show help'))
})
