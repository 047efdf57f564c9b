import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { renderOptionTypes } from './option-types.js'
import { DispatcherConfigSchema, SupplierSchema } from './schema/dispatcher.js'
import type { DispatcherConfig, SupplierOptions } from './schema/dispatcher.js'

/** True only when A and B are assignable both ways: the same options. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

test('the rendered option types are the schema\'s own (checked by the compiler)', () => {
  const config: Same<DispatcherConfig, Static<typeof DispatcherConfigSchema>> = true
  const supplier: Same<SupplierOptions, Static<typeof SupplierSchema>> = true
  assert.deepEqual([config, supplier], [true, true])
})

test('an option without a description cannot be rendered: every public option has hover text', () => {
  const schema = Type.Object({ documented: Type.Optional(Type.Integer({ description: 'Has words', default: 1 })), bare: Type.String() })
  assert.throws(() => renderOptionTypes('', [], [{ schema, name: 'Opts', doc: 'x' }]), /option-types: bare has no description/)
})

test('each key gets its description, unit, range and default as TSDoc', () => {
  const schema = Type.Object({
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 9, default: 3, description: 'How many' })),
    wait: Type.Union([Type.String(), Type.Integer()], { title: 'Duration', default: '5s', description: 'How long' }),
  })
  const out = renderOptionTypes('// header', [], [{ schema, name: 'Opts', doc: 'Some options.' }])
  assert.equal(out, `// header

/**
 * Some options.
 */
export interface Opts {
  /**
   * How many.
   *
   * An integer from 1 to 9.
   *
   * @defaultValue \`3\`
   */
  count?: number
  /**
   * How long.
   *
   * A duration: \`'250ms'\`, \`'10s'\`, \`'1m'\`, \`'1h'\`, \`'1d'\`, or a number of milliseconds.
   *
   * @defaultValue \`'5s'\`
   */
  wait: Duration
}
`)
})
