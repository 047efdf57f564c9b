// docs/config.md documents the suppliers file of `sluice dispatch` (issue 13), rendered from the
// dispatcher's schema: every key of the schema has its row with its description, and the example
// at the top is a file that loads.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Kind } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'
import { renderSuppliersDocs } from './docs.js'
import { loadYamlText } from './load-yaml.js'
import { checkDispatcherConfig } from './check-dispatcher.js'
import { DispatcherConfigSchema } from './schema/dispatcher.js'

const doc = renderSuppliersDocs(DispatcherConfigSchema)

/** Every object key under `schema`, with its description, through unions, records and arrays. */
function keys (schema: TSchema, out: [string, string][] = []): [string, string][] {
  switch (schema[Kind]) {
    case 'Object':
      for (const [key, prop] of Object.entries(schema.properties as Record<string, TSchema>)) {
        out.push([key, String(prop.description ?? '')])
        keys(prop, out)
      }
      break
    case 'Union': for (const s of schema.anyOf as TSchema[]) keys(s, out); break
    case 'Record': keys(Object.values(schema.patternProperties as object)[0] as TSchema, out); break
    case 'Array': keys(schema.items as TSchema, out); break
  }
  return out
}

test('every key of the suppliers file has its row, with its description', () => {
  const nested = keys(DispatcherConfigSchema).filter(([key]) => !(key in DispatcherConfigSchema.properties))
  assert.ok(nested.length > 30, `${nested.length} keys`)
  for (const [key, description] of nested) {
    assert.notEqual(description, '', `${key} has no description`)
    assert.ok(doc.includes(`| \`${key}\` |`) && doc.includes(description.replace(/\|/g, '\\|')), `${key}: no row with "${description}"`)
  }
})

test('the example suppliers file in the reference loads', () => {
  const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1]
  assert.ok(example, 'the reference shows an example file')
  const config = loadYamlText(example, 'suppliers.yaml', DispatcherConfigSchema, checkDispatcherConfig, { HOTELS_TOKEN: 'secret' })
  assert.deepEqual(Object.keys(config.suppliers), ['hotels', 'flights'])
  assert.equal(config.suppliers.hotels!.headers!.authorization, 'Bearer secret')
})
