/* eslint-disable no-template-curly-in-string -- the cases write ${VAR} references into config text */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../errors.js'
import { unquotedFlowReferences } from './flow-env-hint.js'
import { loadConfigText } from './load.js'

const cases = [
  { desc: 'in a flow mapping', text: 'a: { url: ${URL} }', refs: ['${URL}@10'] },
  { desc: 'in a flow sequence', text: 'a: [${A}, "${B}"]', refs: ['${A}@4'] },
  { desc: 'nested flow', text: 'a: [{ x: ${X:-1} }]', refs: ['${X:-1}@9'] },
  { desc: 'block style is fine', text: 'a:\n  url: ${URL}\n  b: x{y}', refs: [] },
  { desc: 'quoted is fine', text: "a: { url: \"${URL}\", b: '${B}' }", refs: [] },
  { desc: 'commented out is fine', text: 'a: 1 # { url: ${URL} }', refs: [] },
  { desc: 'an apostrophe in a plain scalar is not a quote', text: "a: it's\nb: { c: ${C} }", refs: ['${C}@16'] },
]

for (const c of cases) {
  test(`unquotedFlowReferences: ${c.desc}`, () => {
    assert.deepEqual(unquotedFlowReferences(c.text).map((r) => `${r.text}@${r.offset}`), c.refs)
  })
}

const TEXT = `upstreams:
  users:
    targets: [{ url: \${USERS_URL} }]
routes:
  - { name: users, match: { path: /api/users }, upstream: users }
`

test('an unquoted ${VAR} in a flow collection is one clear error, not a cascade', () => {
  assert.throws(() => loadConfigText(TEXT, 'gw.yaml', { USERS_URL: 'http://127.0.0.1:9001' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.deepEqual(err.issues, [
      'gw.yaml:3:22 YAML syntax error: ${USERS_URL} inside { } or [ ] must be quoted: write "${USERS_URL}" ' +
        '(unquoted, its "{" opens a nested mapping and the rest of the file stops parsing)',
    ])
    return true
  })
  const fixed = loadConfigText(TEXT.replace('${USERS_URL}', '"${USERS_URL}"'), 'gw.yaml', { USERS_URL: 'http://127.0.0.1:9001' })
  assert.equal(fixed.upstreams.users?.targets[0]?.url, 'http://127.0.0.1:9001')
})

test('syntax errors before the reference are still reported', () => {
  assert.throws(() => loadConfigText(`x: 1\nx: 2\n${TEXT}`, 'gw.yaml', {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.equal(err.issues.length, 2)
    assert.match(err.issues[0] ?? '', /^gw\.yaml:2:1 YAML syntax error: Map keys must be unique/)
    assert.match(err.issues[1] ?? '', /^gw\.yaml:5:22 YAML syntax error: \$\{USERS_URL\} inside/)
    return true
  })
})
