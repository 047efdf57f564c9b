/* eslint-disable no-template-curly-in-string -- these tests are about ${VAR} references */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Type } from '@sinclair/typebox'
import { ConfigEnvError, ConfigError } from '../errors.js'
import { interpolate } from './env.js'
import { loadYamlText } from './load-yaml.js'

type InterpolateCase = { desc: string, text: string, env: Record<string, string>, out: string, missing?: string[] }

const interpolateCases: InterpolateCase[] = [
  { desc: 'plain reference', text: '${A}', env: { A: 'x' }, out: 'x' },
  { desc: 'inside other text', text: 'http://${HOST}:${PORT}/', env: { HOST: 'h', PORT: '1' }, out: 'http://h:1/' },
  { desc: 'default when unset', text: '${A:-fallback}', env: {}, out: 'fallback' },
  { desc: 'default when empty (shell :- semantics)', text: '${A:-fallback}', env: { A: '' }, out: 'fallback' },
  { desc: 'empty default', text: '[${A:-}]', env: {}, out: '[]' },
  { desc: 'set value wins over default', text: '${A:-fallback}', env: { A: 'set' }, out: 'set' },
  { desc: 'empty value without default stays empty', text: '[${A}]', env: { A: '' }, out: '[]' },
  { desc: '$${ escapes to a literal ${', text: '$${A} and $${B:-x}', env: { A: 'no' }, out: '${A} and ${B:-x}' },
  { desc: 'lone $ and unclosed ${ are literal', text: 'cost $5 ${A', env: {}, out: 'cost $5 ${A' },
  { desc: 'unset without default is reported', text: '${A}-${B}', env: {}, out: '${A}-${B}', missing: ['A', 'B'] },
]

for (const c of interpolateCases) {
  test(`interpolate: ${c.desc}`, () => {
    const missing: string[] = []
    assert.equal(interpolate(c.text, c.env, (v) => missing.push(v)), c.out)
    assert.deepEqual(missing, c.missing ?? [])
  })
}

const Anything = Type.Object({ v: Type.Unknown() })

const typingCases: { desc: string, yaml: string, env: Record<string, string>, value: unknown }[] = [
  { desc: 'plain scalar becoming digits is a number', yaml: 'v: ${PORT}', env: { PORT: '8080' }, value: 8080 },
  { desc: 'plain scalar becoming true is a boolean', yaml: 'v: ${FLAG}', env: { FLAG: 'true' }, value: true },
  { desc: 'plain scalar becoming a float is a number', yaml: 'v: ${R:-0.5}', env: {}, value: 0.5 },
  { desc: 'plain scalar becoming empty is null', yaml: 'v: ${E:-}', env: {}, value: null },
  { desc: 'plain scalar with text stays a string', yaml: 'v: ${D:-10s}', env: {}, value: '10s' },
  { desc: 'double-quoted scalar stays a string', yaml: 'v: "${PORT}"', env: { PORT: '8080' }, value: '8080' },
  { desc: 'single-quoted scalar stays a string', yaml: "v: '${FLAG}'", env: { FLAG: 'true' }, value: 'true' },
  { desc: 'explicit !!str tag stays a string', yaml: 'v: !!str ${PORT}', env: { PORT: '8080' }, value: '8080' },
  { desc: 'value cannot inject YAML structure', yaml: 'v: ${X}', env: { X: 'a: [1' }, value: 'a: [1' },
  { desc: 'sequence items are interpolated', yaml: 'v:\n  - ${A}\n  - "${A}"', env: { A: '1' }, value: [1, '1'] },
  { desc: 'flow collections need quotes (YAML reads { as a mapping)', yaml: 'v: ["${A}"]', env: { A: '1' }, value: ['1'] },
  { desc: 'block scalars are interpolated', yaml: 'v: |\n  key=${K}\n', env: { K: 'k' }, value: 'key=k\n' },
  { desc: 'escape in a plain scalar', yaml: 'v: $${HOME}', env: { HOME: '/root' }, value: '${HOME}' },
]

for (const c of typingCases) {
  test(`env typing: ${c.desc}`, () => {
    assert.deepEqual(loadYamlText(c.yaml, 'x.yaml', Anything, undefined, c.env).v, c.value)
  })
}

test('keys are not interpolated', () => {
  const value = loadYamlText('${K}: 1', 'x.yaml', Type.Record(Type.String(), Type.Number()), undefined, { K: 'k' })
  assert.deepEqual(Object.keys(value), ['${K}'])
})

test('every unset variable is reported, located at its scalar', () => {
  const yaml = 'a:\n  b: ${ONE}\n  c: [x, "${TWO}"]\n'
  assert.throws(() => loadYamlText(yaml, 'x.yaml', Type.Unknown(), undefined, {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.deepEqual(err.issues, [
      'x.yaml:2:6 a.b: environment variable ONE is not set and has no default',
      'x.yaml:3:10 a.c[1]: environment variable TWO is not set and has no default',
    ])
    assert.ok(err.cause instanceof ConfigEnvError)
    assert.equal(err.cause.code, 'SLC_CONFIG_ENV')
    assert.equal(err.cause.variable, 'ONE')
    return true
  })
})
