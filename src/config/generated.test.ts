import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { generatedFiles } from './generated.js'

for (const { path, content } of generatedFiles()) {
  test(`${path} is up to date (run \`npm run gen\` after changing the schema)`, () => {
    const committed = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
    assert.equal(committed, content)
  })
}
