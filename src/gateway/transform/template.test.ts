/* eslint-disable no-template-curly-in-string -- templates are the subject */
// The consumer variables, with a consumer set on the context as an authentication stage would
// (no such stage has landed yet; the e2e test shows them empty without one).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseTemplate } from '../../config/transform-rules.js'
import type { Consumer, RequestContext } from '../contract.js'
import { compileTemplate, expand } from './template.js'
import type { TemplateEnv } from './template.js'

const NONE: TemplateEnv = { metadata: () => undefined }

function render (source: string, consumer: Consumer | undefined, env = NONE): string {
  const parts = parseTemplate(source)
  assert.ok(typeof parts !== 'string', parts as string)
  return expand(compileTemplate(parts, env), { consumer } as RequestContext)
}

const keyed: Consumer = {
  id: 'acme', plan: 'pro', scopes: [], roles: [], via: 'apiKey', claims: { team: 'payments', tier: 3 },
}
const jwt: Consumer = {
  id: 'u-1', plan: undefined, scopes: [], roles: [], via: 'jwt', claims: { org: { id: 'o-9', tags: ['a', 'b'] }, team: 'x' },
}

test('consumer id and plan; an absent plan is empty', () => {
  assert.equal(render('${consumer.id}/${consumer.plan}', keyed), 'acme/pro')
  assert.equal(render('${consumer.id}/${consumer.plan}', jwt), 'u-1/')
})

test("consumer.metadata reads an API key consumer's metadata; numbers as written", () => {
  assert.equal(render('${consumer.metadata.team}-${consumer.metadata.tier}', keyed), 'payments-3')
  assert.equal(render('${consumer.metadata.team}', jwt), '', 'a JWT has claims, not metadata')
})

test('consumer.metadata reads the consumers block first, for JWT and API key consumers alike', () => {
  const env: TemplateEnv = { metadata: id => id === 'u-1' || id === 'acme' ? { team: 'from-config' } : undefined }
  assert.equal(render('${consumer.metadata.team}', jwt, env), 'from-config')
  assert.equal(render('${consumer.metadata.team}', keyed, env), 'from-config')
  assert.equal(render('${consumer.metadata.tier}', keyed, env), '3', "then an API key's own metadata")
})

test('claim.PATH walks nested claims of a JWT consumer; objects come out as JSON', () => {
  assert.equal(render('${claim.org.id}', jwt), 'o-9')
  assert.equal(render('${claim.org.tags}', jwt), '["a","b"]')
  assert.equal(render('${claim.org.missing.deeper}', jwt), '')
  assert.equal(render('${claim.team}', keyed), '', 'an API key has no claims')
})

test('no consumer: every consumer variable is empty', () => {
  assert.equal(render('[${consumer.id}${consumer.plan}${consumer.metadata.a}${claim.b}]', undefined), '[]')
})

test('a template without variables compiles to the string itself', () => {
  const parts = parseTemplate('no-store')
  assert.ok(typeof parts !== 'string')
  assert.equal(compileTemplate(parts), 'no-store')
})
