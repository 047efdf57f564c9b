// Renders the TypeScript types of the dispatcher's options from their schema, with each key's
// description, unit, range and default as TSDoc: an editor's hover shows the same text as
// docs/config.md, and both come from the one schema (STYLE: the schema is the documentation).
// `npm run gen` writes the result to src/config/schema/dispatcher-types.ts; a key without a
// description stops the generator, so an undocumented option cannot be published.
import { Kind, OptionalKind } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'

/** Object schemas rendered as named interfaces instead of inline: schema → interface name. */
export type TypeNames = ReadonlyMap<TSchema, string>

const UNITS: Record<string, string> = {
  Duration: "A duration: `'250ms'`, `'10s'`, `'1m'`, `'1h'`, `'1d'`, or a number of milliseconds.",
  Size: "A size: `'512b'`, `'16kb'`, `'10mb'`, `'1gb'`, or a number of bytes.",
}

/** Doc lines stay readable in the source and within the linter's line length. */
const WIDTH = 96

function wrap (text: string): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + 1 + word.length > WIDTH) {
        lines.push(line)
        line = word
      } else {
        line = line === '' ? word : `${line} ${word}`
      }
    }
    lines.push(line)
  }
  return lines
}

function comment (text: string, indent: string): string {
  const body = wrap(text).map(l => l === '' ? `${indent} *` : `${indent} * ${l.replace(/\*\//g, '*\\/')}`)
  return `${indent}/**\n${body.join('\n')}\n${indent} */\n`
}

function range (schema: TSchema): string | undefined {
  const { minimum: min, maximum: max, exclusiveMinimum: xmin } =
    schema as { minimum?: number, maximum?: number, exclusiveMinimum?: number }
  const what = schema[Kind] === 'Integer' ? 'An integer' : 'A number'
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}.`
  if (min !== undefined) return `${what}, at least ${min}.`
  if (xmin !== undefined) return `${what} above ${xmin}.`
  return undefined
}

function literal (value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/'/g, "\\'")}'` : JSON.stringify(value)
}

class Renderer {
  readonly out: string[] = []
  constructor (readonly names: TypeNames, readonly generics: ReadonlyMap<TSchema, string>) {}

  type (schema: TSchema, indent: string): string {
    const named = this.names.get(schema)
    if (named !== undefined) return named
    if (typeof schema.title === 'string' && schema.title in UNITS) return schema.title
    switch (schema[Kind]) {
      case 'Literal': return literal(schema.const)
      case 'Integer':
      case 'Number': return 'number'
      case 'String': return 'string'
      case 'Boolean': return 'boolean'
      case 'Array': return `${this.type(schema.items as TSchema, indent)}[]`
      case 'Union': return (schema.anyOf as TSchema[]).map(s => this.type(s, indent)).join(' | ')
      case 'Record': {
        const key = this.generics.get(schema) ?? 'string'
        return `Record<${key}, ${this.type(Object.values(schema.patternProperties as object)[0] as TSchema, indent)}>`
      }
      case 'Object': return `{\n${this.members(schema, `${indent}  `)}${indent}}`
      default: throw new Error(`option-types: no TypeScript type for a ${String(schema[Kind])} schema`)
    }
  }

  doc (path: string, schema: TSchema, indent: string): string {
    const description = typeof schema.description === 'string' ? schema.description.trim() : ''
    if (description === '') throw new Error(`option-types: ${path} has no description`)
    const lines = [description.endsWith('.') ? description : `${description}.`]
    const unit = typeof schema.title === 'string' ? UNITS[schema.title] : undefined
    if (unit !== undefined) lines.push(unit)
    else if (schema[Kind] === 'Integer' || schema[Kind] === 'Number') {
      const r = range(schema)
      if (r !== undefined) lines.push(r)
    }
    if ('default' in schema && !(typeof schema.default === 'object' && schema.default !== null && !Array.isArray(schema.default))) {
      lines.push(`@defaultValue \`${literal(schema.default)}\``)
    }
    return comment(lines.join('\n\n'), indent)
  }

  members (schema: TSchema, indent: string, path = ''): string {
    const required = new Set((schema.required ?? []) as string[])
    let out = ''
    for (const [key, prop] of Object.entries(schema.properties as Record<string, TSchema>)) {
      const optional = prop[OptionalKind] === 'Optional' || !required.has(key)
      out += this.doc(`${path}${key}`, prop, indent)
      out += `${indent}${/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)}${optional ? '?' : ''}: ${this.type(prop, indent)}\n`
    }
    return out
  }
}

export interface NamedType {
  schema: TSchema
  name: string
  /** Its TSDoc; defaults to the schema's description. */
  doc?: string
  /** A type parameter, as `S extends string = string`, used by the Record schemas in `generics`. */
  typeParameter?: string
}

/** The source of a module declaring `types` (in order), importing `imports` verbatim. */
export function renderOptionTypes (
  header: string, imports: string[], types: NamedType[], generics: ReadonlyMap<TSchema, string> = new Map()
): string {
  const names = new Map(types.map(t => [t.schema, t.name]))
  const r = new Renderer(names, generics)
  const out = [header, '']
  if (imports.length > 0) out.push(...imports, '')
  for (const t of types) {
    const doc = (t.doc ?? String(t.schema.description ?? '')).trim()
    if (doc !== '') out.push(comment(doc, '').trimEnd())
    const params = t.typeParameter === undefined ? '' : `<${t.typeParameter}>`
    if (t.schema[Kind] === 'Object') {
      names.delete(t.schema)
      out.push(`export interface ${t.name}${params} {\n${r.members(t.schema, '  ')}}`, '')
      names.set(t.schema, t.name)
    } else {
      names.delete(t.schema)
      out.push(`export type ${t.name}${params} = ${r.type(t.schema, '')}`, '')
      names.set(t.schema, t.name)
    }
  }
  return out.join('\n').replace(/\n+$/, '\n')
}
