import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GATEWAY_SCHEMA_ID, gatewayJsonSchema } from './json-schema.js'

function walk (node: unknown, visit: (obj: object) => void): void {
  if (node === null || typeof node !== 'object') return
  visit(node)
  for (const child of Object.values(node)) walk(child, visit)
}

test('the JSON Schema has its header and the schema body', () => {
  const schema = gatewayJsonSchema() as Record<string, any>
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#')
  assert.equal(schema.$id, GATEWAY_SCHEMA_ID)
  assert.equal(schema.title, 'Sluice gateway configuration')
  assert.deepEqual(schema.required, ['upstreams', 'routes'])
  assert.equal(schema.additionalProperties, false)
  assert.equal(schema.properties.server.properties.port.default, 8080)
  assert.equal(schema.properties.server.properties.drainTimeout.anyOf[0].pattern, '^\\d+(\\.\\d+)?(ms|s|m|h|d)$')
})

test('the JSON Schema is plain JSON: no TypeBox symbols, no loader-only keywords', () => {
  const schema = gatewayJsonSchema()
  let objects = 0
  walk(schema, (obj) => {
    objects++
    assert.deepEqual(Object.getOwnPropertySymbols(obj), [])
    assert.equal(Object.hasOwn(obj, 'errorMessage'), false)
  })
  assert.ok(objects > 50)
  assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema)
})
